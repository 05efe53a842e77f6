export type * from './asl.ts';
export * from './contract.ts';
export {
  buildDefinition,
  DefinitionOptions,
  definitionJson,
  localArns,
  placeholderArns,
  RetryTaskStates,
  StateNames,
  taskArns,
  taskOfStateName,
} from './definition.ts';
export * from './errors.ts';
export {
  EventError,
  ExecutionStatus,
  LocalExecution,
  TransitionCount,
  WorkflowEvent,
} from './events.ts';
export {
  awsHistoryEventsOf,
  dayHistoryEvents,
  EVENTS_PER_RETRY,
  iterationHistoryEvents,
  paperBookHistoryEvents,
} from './history.ts';
export {
  localExecutionArn,
  type TaskContext,
  type TaskHandler,
  type TaskHandlers,
} from './interpreter.ts';
export { type LocalRunnerOptions, type RunLocalOptions, runLocal } from './local-runner.ts';
export * from './policy.ts';
export { type RedriveLocalOptions, redriveLocal } from './redrive.ts';
export {
  countTransitions,
  jsonBytes,
  type LargestPayload,
  largestPayload,
  PAYLOAD_LIMIT_BYTES,
} from './transitions.ts';
export { type DefinitionValidation, validateDefinition } from './validate.ts';
