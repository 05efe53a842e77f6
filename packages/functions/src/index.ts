/**
 * `@ensemble/functions`: one thin Lambda handler per workflow task (`src/handlers/<task>.ts`, each exporting
 * `handler`) around the application steps of `@ensemble/app`: the environment (env.ts), Powertools (logs,
 * metrics, parser), and the AWS adapters (the ledger's DynamoDB client, the S3 snapshot and report stores,
 * the SNS notifier, the broker and market data of `trading-ports.ts`). No business logic lives here.
 */

export { type AdapterInputs, contextFromEnv, type TradingPorts } from './context-from-env.ts';
export { FunctionEnv, readEnv } from './env.ts';
export { EnvInvalidError } from './errors.ts';
export { setContextFactory, type TaskHandler, taskHandler } from './handlers/wrap.ts';
export { createRedactor, logger, metrics, REDACTED, redactLogValue } from './powertools.ts';
export { createS3ReportStore, type S3ReportStoreOptions } from './s3-report-store.ts';
export { createS3SnapshotStore, type S3SnapshotStoreOptions } from './s3-snapshot-store.ts';
export { createSnsNotifier, type SnsNotifierOptions } from './sns-notifier.ts';
export { tradingPorts } from './trading-ports.ts';
