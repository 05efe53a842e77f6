/**
 * One Lambda function per workflow task (Node 22, arm64, memory and timeout from the manifest), each with an
 * inline policy of exactly what its code uses (policies.ts), the topic's ARN when it publishes the day's
 * summary, npm packages installed beside the bundle when its code reads their files (`install`), and only
 * the secrets of the runtime ports its step uses (`uses.secrets`, from `uses.ports` in the manifest; the
 * runtime builds those ports lazily, so a function without them starts fine).
 */
import { type FunctionSpec, taskFunctions } from './manifest.ts';
import { type DataArns, functionStatements, secretEnvironment, toSstPermissions } from './policies.ts';
import { secretValues } from './secrets.ts';
import { settings } from './settings.ts';
import { bucket } from './storage.ts';
import { table, tableIndexes } from './table.ts';
import { alarmTopic } from './topic.ts';

/** The path of the bundled configuration inside every function package (see `copyFiles`). */
export const CONFIG_PATH = 'strategies/ensemble.config.yaml';

/** Create the function of one manifest entry; `extra` adds ARNs (the starter's state machine) and env. */
export const createFunction = (
  spec: FunctionSpec,
  extra: { stateMachineArn?: $util.Input<string>; environment?: Record<string, $util.Input<string>> } = {},
) =>
  new sst.aws.Function(spec.name, {
    handler: spec.handler,
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    memory: `${spec.memoryMb} MB`,
    timeout: `${spec.timeoutSeconds} seconds`,
    logging: { format: 'json', retention: '3 months' },
    copyFiles: [{ from: 'strategies', to: 'strategies' }],
    ...(spec.install.length > 0 ? { nodejs: { install: [...spec.install] } } : {}),
    environment: {
      ENSEMBLE_TABLE: table.name,
      ENSEMBLE_BUCKET: bucket.name,
      ENSEMBLE_STAGE: $app.stage,
      ENSEMBLE_BROKER: 'alpaca',
      ENSEMBLE_TRADING_MODE: settings.tradingMode,
      ENSEMBLE_CONFIG: CONFIG_PATH,
      ...secretEnvironment(spec.uses, secretValues),
      ...(spec.uses.publish ? { ENSEMBLE_TOPIC_ARN: alarmTopic.arn } : {}),
      ...extra.environment,
    },
    permissions: $resolve([table.arn, bucket.arn, extra.stateMachineArn ?? '', alarmTopic.arn]).apply(
      ([t, b, sm, topic]) => {
        const arns: DataArns = { table: t, indexes: tableIndexes, bucket: b, stateMachine: sm, topic };
        return toSstPermissions(functionStatements(spec.uses, arns));
      },
    ),
  });

/** The task functions, by task name. */
export const taskFunctionsByName = Object.fromEntries(
  taskFunctions().map((s) => [s.name, createFunction(s)]),
);
