/**
 * The backtest's broker: the SimBroker as a local day builds it (packages/cli/src/local/world.ts) — same
 * fill prices (the session's close, from the bars), the same slippage and fee model from the same settings —
 * on a memory store instead of the embedded database.
 */
import type { BrokerPorts } from '@ensemble/app';
import {
  closePricesFrom,
  createMemorySimBrokerStore,
  createSimBroker,
  fillCostOptions,
  type SimBroker,
} from '@ensemble/broker/sim';

/** A fresh simulated account for one backtest. */
export const backtestBroker = ({ clock, marketData, startingCash, fillCosts }: BrokerPorts): SimBroker =>
  createSimBroker({
    store: createMemorySimBrokerStore(),
    // The backtest's bars are loaded once and never change: each close is read once per session.
    prices: closePricesFrom(marketData, { fixedBars: true }),
    clock,
    startingCash,
    ...fillCostOptions(fillCosts),
  });
