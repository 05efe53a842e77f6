/**
 * `@ensemble/functions`: one thin Lambda handler per workflow task (`src/handlers/<task>.ts`, each exporting
 * `handler`), the steps they call, and the ports those steps need. The local runner calls the same steps
 * in-process through {@link createSteps}.
 */

export { FunctionEnv, readEnv } from './env.ts';
export { runtimeFromEnv } from './env-runtime.ts';
export {
  EnvInvalidError,
  RecordConflictError,
  RunNotActiveError,
  SnapshotNotFoundError,
  StepOrderError,
  TaskInputInvalidError,
  TaskOutputInvalidError,
  UnknownStrategyError,
} from './errors.ts';
export { setRuntimeFactory, type TaskHandler, taskHandler } from './handlers/wrap.ts';
export {
  assertSymbolsFit,
  buildMarketSnapshot,
  createSnapshotReader,
  type LoadedSnapshot,
  MarketSnapshot,
  type SnapshotReader,
  snapshotKey,
  storeMarketSnapshot,
} from './market-snapshot.ts';
export { createRedactor, logger, metrics, REDACTED, redactLogValue } from './powertools.ts';
export {
  type FaultInjector,
  noMetrics,
  type Runtime,
  realSleep,
  type StepLogger,
  type StepMetrics,
  type StepMetricUnit,
  silentLogger,
} from './runtime.ts';
export {
  createLocalSnapshotStore,
  createS3SnapshotStore,
  type S3SnapshotStoreOptions,
  type SnapshotStore,
} from './snapshots.ts';
export { type StepDeps, stepDeps } from './steps/deps.ts';
export { traceKey } from './steps/evaluate.ts';
export {
  createSteps,
  kebab,
  runTask,
  type Step,
  type StepContext,
  type TaskDefinition,
  tasks,
} from './steps/index.ts';
