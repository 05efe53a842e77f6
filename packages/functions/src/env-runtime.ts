/**
 * The Lambda composition: a {@link Runtime} from the environment (see env.ts). The ledger on
 * `ENSEMBLE_TABLE`, snapshots in `ENSEMBLE_BUCKET`, the config bundled at `ENSEMBLE_CONFIG`, and either
 * Alpaca (broker and market data; paper unless `ENSEMBLE_TRADING_MODE=live`) or the simulated broker on
 * its DynamoDB table with the bundled market data. Safety rails come from the config's `rails`. Built once
 * per container by the handlers.
 *
 * The broker and the market data are lazy (lazy-ports.ts): built on their first method call, so a function
 * whose step never trades or loads bars runs without the Alpaca keys (stacks/manifest.ts gives them only to
 * the functions that use those ports). The checks the adapters make still come first: missing keys throw
 * `EnvInvalidError`, a wrong account for the mode (the live-trading guard) `ConfigInvalidError`, both
 * on that first call and before any request, so never after an order.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { type Alpaca, alpacaSettingsFromEnv, createAlpaca } from '@ensemble/alpaca';
import { closePricesFrom, createDynamoSimBrokerStore, createSimBroker } from '@ensemble/broker';
import { loadConfig } from '@ensemble/config';
import type { Broker, MarketData } from '@ensemble/core';
import { createLedger } from '@ensemble/ledger';
import { createBundledMarketData } from '@ensemble/market-data';
import { type FunctionEnv, readEnv, requireAlpacaKeys } from './env.ts';
import { lazyBroker, lazyMarketData, memoize } from './lazy-ports.ts';
import { logger, metrics } from './powertools.ts';
import { type Runtime, realSleep } from './runtime.ts';
import { createS3SnapshotStore } from './snapshots.ts';

/** Builds the runtime of a Lambda from `env` (default: `process.env`). */
export const runtimeFromEnv = async (
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Runtime> => {
  const e = readEnv(env);
  const dynamo = new DynamoDBClient({});
  const clock = () => new Date();
  const config = await loadConfig(e.ENSEMBLE_CONFIG);
  const { broker, marketData } = brokerOf(e, env, dynamo, clock, config.account.startingCash);
  for (const w of config.warnings) logger.warn('config warning', { warning: w });
  logger.info('runtime ready', {
    stage: e.ENSEMBLE_STAGE,
    broker: broker.kind,
    table: e.ENSEMBLE_TABLE,
    bucket: e.ENSEMBLE_BUCKET,
    strategies: config.strategies.length,
  });
  return {
    ledger: createLedger({ table: e.ENSEMBLE_TABLE, client: dynamo, clock }),
    broker,
    marketData,
    snapshots: createS3SnapshotStore({ client: new S3Client({}), bucket: e.ENSEMBLE_BUCKET }),
    config,
    clock,
    sleep: realSleep,
    logger,
    metrics,
    stage: e.ENSEMBLE_STAGE,
    rails: config.rails,
  };
};

const brokerOf = (
  e: FunctionEnv,
  env: Readonly<Record<string, string | undefined>>,
  dynamo: DynamoDBClient,
  clock: () => Date,
  startingCash: string,
): { broker: Broker; marketData: MarketData } => {
  if (e.ENSEMBLE_BROKER === 'alpaca') {
    // One SDK configuration behind both ports, built (keys checked, live guard run) on the first call of either.
    const alpaca = memoize((): Alpaca => {
      requireAlpacaKeys(e);
      return createAlpaca(alpacaSettingsFromEnv({ ...env, ENSEMBLE_ALPACA_MODE: e.ENSEMBLE_TRADING_MODE }));
    });
    return {
      broker: lazyBroker(`alpaca-${e.ENSEMBLE_TRADING_MODE}`, () => alpaca().broker),
      marketData: lazyMarketData(() => alpaca().marketData),
    };
  }
  const bundled = memoize(createBundledMarketData);
  const store = createDynamoSimBrokerStore({
    client: dynamo,
    ...(e.ENSEMBLE_SIM_BROKER_TABLE ? { table: e.ENSEMBLE_SIM_BROKER_TABLE } : {}),
  });
  return {
    broker: lazyBroker('sim', () =>
      createSimBroker({ store, prices: closePricesFrom(bundled()), clock, startingCash }),
    ),
    marketData: lazyMarketData(bundled),
  };
};
