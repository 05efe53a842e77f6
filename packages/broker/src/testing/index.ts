/** Shared arrangements of the simulated broker's tests (not exported by the package). */
import type { SubmitOrderRequest } from '@ensemble/core';
import { createMemorySimBrokerStore } from '../memory-store.ts';
import { staticPrices } from '../prices.ts';
import { createSimBroker, type SimBrokerOptions } from '../sim-broker.ts';

/** Monday 2025-06-02 15:45 New York (EDT). */
export const MONDAY_1545 = '2025-06-02T19:45:00.000Z';

/** A settable clock. */
export const settableClock = (iso: string = MONDAY_1545) => {
  let now = new Date(iso);
  return {
    clock: () => now,
    set: (next: string) => {
      now = new Date(next);
    },
  };
};

/** A sim broker on a fresh memory store with SPY at 500, AAPL at 200 and BRK/B at 450 (non-fractionable). */
export const makeBroker = (overrides: Partial<SimBrokerOptions> = {}) => {
  const time = settableClock();
  const prices = staticPrices({ SPY: '500', AAPL: '200', 'BRK/B': '450' });
  const ids = { n: 0 };
  const broker = createSimBroker({
    store: createMemorySimBrokerStore(),
    prices,
    clock: time.clock,
    nonFractionable: ['BRK/B'],
    newOrderId: () => `order-${++ids.n}`,
    ...overrides,
  });
  return { broker, time, prices };
};

/** A market day order. */
export const order = (
  clientOrderId: string,
  symbol: string,
  side: 'buy' | 'sell',
  size: { qty: string } | { notional: string },
): SubmitOrderRequest => ({ clientOrderId, symbol, side, ...size, type: 'market', timeInForce: 'day' });
