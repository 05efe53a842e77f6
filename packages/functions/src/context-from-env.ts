/**
 * The Lambda composition: an {@link AppContext} from the environment (see env.ts). The ledger on
 * `ENSEMBLE_TABLE` (and its shadow scope, shadow mode's paper books), snapshots and daily reports in
 * `ENSEMBLE_BUCKET`, the day's summary to the SNS topic `ENSEMBLE_TOPIC_ARN` (set for Finalize only), the
 * config bundled at `ENSEMBLE_CONFIG`, the system clock, Powertools for logs and metrics. Built once per
 * container by the handlers.
 *
 * The broker and the market data come from the handler ({@link TradingPorts}): only the functions whose
 * step uses them import their adapters (`trading-ports.ts`), so the other functions' bundles carry neither
 * Alpaca's SDK nor the simulated broker, and run without the Alpaca keys (stacks/manifest.ts gives the keys
 * only to the functions that use those ports). A function given no adapter fails closed on the first call
 * of that port, with `EnvInvalidError` (a wiring bug, never a silent default).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { type AppContext, systemClock } from '@ensemble/app';
import { type LoadedConfig, loadConfig } from '@ensemble/config';
import type { Broker, MarketData } from '@ensemble/core';
import { createLedger, createShadowLedger } from '@ensemble/ledger';
import { type FunctionEnv, readEnv } from './env.ts';
import { EnvInvalidError } from './errors.ts';
import { lazyBroker, lazyMarketData } from './lazy-ports.ts';
import { logger, metrics } from './powertools.ts';
import { createS3ReportStore } from './s3-report-store.ts';
import { createS3SnapshotStore } from './s3-snapshot-store.ts';
import { createSnsNotifier } from './sns-notifier.ts';

/** What the adapters of the broker and the market data are built from. */
export interface AdapterInputs {
  readonly e: FunctionEnv;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dynamo: DynamoDBClient;
  readonly clock: () => Date;
  readonly config: LoadedConfig;
}

/** The broker and market-data adapters a handler brings (both lazy; see lazy-ports.ts). */
export type TradingPorts = (inputs: AdapterInputs) => {
  readonly broker: Broker;
  readonly marketData: MarketData;
};

/** A port this function was not given: every call fails closed. */
const missing =
  (port: string): (() => never) =>
  () => {
    throw new EnvInvalidError([`this function has no ${port} (its handler declares no ${port} adapter)`]);
  };

/** Builds the application context of a Lambda from `env` (default: `process.env`). */
export const contextFromEnv = async (
  trading: TradingPorts | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<AppContext> => {
  const e = readEnv(env);
  const dynamo = new DynamoDBClient({});
  const now = () => new Date();
  const config = await loadConfig(e.ENSEMBLE_CONFIG);
  const inputs: AdapterInputs = { e, env, dynamo, clock: now, config };
  const { broker, marketData } = trading?.(inputs) ?? {
    broker: lazyBroker('none', missing('broker')),
    marketData: lazyMarketData(missing('market data')),
  };
  for (const w of config.warnings) logger.warn('config warning', { warning: w });
  logger.info('context ready', {
    stage: e.ENSEMBLE_STAGE,
    broker: broker.kind,
    table: e.ENSEMBLE_TABLE,
    bucket: e.ENSEMBLE_BUCKET,
    strategies: config.strategies.length,
  });
  const s3 = new S3Client({});
  return {
    // Shadow mode's scope of the same table (docs/shadow.md): paper books, read by Finalize too.
    shadow: { ledger: createShadowLedger({ table: e.ENSEMBLE_TABLE, client: dynamo, clock: now }) },
    ports: {
      ledger: createLedger({ table: e.ENSEMBLE_TABLE, client: dynamo, clock: now }),
      broker,
      marketData,
      snapshots: createS3SnapshotStore({ client: s3, bucket: e.ENSEMBLE_BUCKET }),
      clock: systemClock,
      reports: createS3ReportStore({ client: s3, bucket: e.ENSEMBLE_BUCKET }),
      ...(e.ENSEMBLE_TOPIC_ARN
        ? { notifier: createSnsNotifier({ client: new SNSClient({}), topicArn: e.ENSEMBLE_TOPIC_ARN }) }
        : {}),
    },
    config,
    stage: e.ENSEMBLE_STAGE,
    observe: { logger, metrics },
  };
};
