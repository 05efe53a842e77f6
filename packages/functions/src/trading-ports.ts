/**
 * The broker and market-data adapters of the functions that trade or load bars (imported only by their
 * handlers, so no other bundle carries them): Alpaca (broker and market data; paper unless
 * `ENSEMBLE_TRADING_MODE=live`) or the simulated broker on its DynamoDB table with the bundled market data.
 * Both are lazy (lazy-ports.ts): the checks the adapters make still come first — missing keys throw
 * `EnvInvalidError`, a wrong account for the mode (the live-trading guard) `ConfigInvalidError` — on the
 * first call and before any request, so never after an order.
 */
import { type Alpaca, alpacaSettingsFromEnv, createAlpaca } from '@ensemble/alpaca';
import { closePricesFrom, createDynamoSimBrokerStore, createSimBroker } from '@ensemble/broker';
import { createBundledMarketData } from '@ensemble/market-data';
import type { TradingPorts } from './context-from-env.ts';
import { requireAlpacaKeys } from './env.ts';
import { lazyBroker, lazyMarketData, memoize } from './lazy-ports.ts';

/** The broker and the market data of `ENSEMBLE_BROKER`: one Alpaca configuration, or one SimBroker, behind both. */
export const tradingPorts: TradingPorts = ({ e, env, dynamo, clock, config }) => {
  if (e.ENSEMBLE_BROKER === 'alpaca') {
    // Keys checked and the live guard run on the first call of either port.
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
      createSimBroker({
        store,
        prices: closePricesFrom(bundled()),
        clock,
        startingCash: config.account.startingCash,
      }),
    ),
    marketData: lazyMarketData(bundled),
  };
};
