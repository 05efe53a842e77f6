/**
 * The workflow contract (task names, zod I/O of every task), owned by `@ensemble/workflow`. Steps and
 * handlers import it from here only, so a narrower entry point (a `./contract` subpath keeping the local
 * runner out of Lambda bundles) is a one-line change.
 */
export {
  AggregatePoolOutput,
  BranchInput,
  type BranchItem,
  BranchResult,
  EvaluateOutput,
  ExecuteOutput,
  FinalizeInput,
  FinalizeOutput,
  PlanOutput,
  PrepareRunInput,
  PrepareRunOutput,
  RecordBranchFailureInput,
  RecordBranchFailureOutput,
  RunRef,
  retryItemsOf,
  type TaskName,
  TaskNames,
  TaskSchemas,
  withRetried,
} from '@ensemble/workflow';
