/**
 * Shared arrangements of the execution tests (not exported by the package): one in-memory dynalite per test
 * file, a fresh ledger table per world, a simulated broker on an in-memory store, and a fake clock that
 * `sleep` advances (so deadlines and polls cost no real time).
 */

import {
  createMemorySimBrokerStore,
  createSimBroker,
  type SimBroker,
  type SimBrokerStore,
  type StaticPrices,
  staticPrices,
} from '@ensemble/broker';
import { type BookId, bookOf, type RailSettingsInput, UNALLOCATED } from '@ensemble/core';
import type { LedgerRepository } from '@ensemble/ledger';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { newTestLedger } from '@ensemble/ledger/testing';
import { afterAll, beforeAll } from 'vitest';
import { executePlan } from '../execute.ts';
import type { FaultInjector } from '../faults.ts';
import type { ExecuteDeps, ExecuteInput, ExecuteResult } from '../types.ts';

/** Monday 2025-06-02, 15:45 New York: the market is open. */
export const DAY = '2025-06-02';
export const OPEN_AT = '2025-06-02T19:45:00.000Z';

/** Start one dynalite for the file; `endpoint()` is valid inside tests. */
export const useDynamo = (): (() => string) => {
  let db: EmbeddedDynamo | undefined;
  beforeAll(async () => {
    db = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await db?.stop();
  });
  return () => {
    if (!db) throw new Error('dynalite is not running');
    return db.endpoint;
  };
};

/** A settable clock; `sleep` moves it forward instead of waiting. */
export const fakeTime = (iso = OPEN_AT) => {
  let now = new Date(iso).getTime();
  return {
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      now += ms;
    },
    set: (next: string) => {
      now = new Date(next).getTime();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
};

/** Options of {@link makeWorld}. */
export interface WorldOptions {
  prices?: Record<string, string>;
  startingCash?: string;
  nonFractionable?: string[];
  slippageBps?: number;
  at?: string;
}

/** A ledger + simulated broker + clock, and helpers to fund books and run plans. */
export interface World {
  ledger: LedgerRepository;
  broker: SimBroker;
  prices: StaticPrices;
  boardPrices: Record<string, string>;
  time: ReturnType<typeof fakeTime>;
  startingCash: string;
  /** Broker order ids stored per client order id. */
  brokerOrders(): Map<string, Set<string>>;
  fund(bookId: BookId, amount: string): Promise<void>;
  deps(overrides?: Partial<ExecuteDeps>): ExecuteDeps;
  input(bookId: BookId, lines: ExecuteInput['lines'], overrides?: Partial<ExecuteInput>): ExecuteInput;
  run(
    bookId: BookId,
    lines: ExecuteInput['lines'],
    options?: { deps?: Partial<ExecuteDeps>; input?: Partial<ExecuteInput>; fault?: FaultInjector },
  ): Promise<ExecuteResult>;
}

/** Rails loose enough not to interfere unless a test tightens one. */
export const LOOSE_RAILS: RailSettingsInput = {
  maxOrderBookFraction: '1000',
  maxOrderNotional: '1000000',
  maxDailyNotionalPerBook: '10000000',
  maxDailyNotionalPerAccount: '10000000',
  maxDailyTurnoverPerBook: '1000',
  maxDailyTurnoverPerAccount: '1000',
  maxEquityDropPct: '50',
};

/** A fresh world on `endpoint` (its own table and broker account). */
export const makeWorld = async (endpoint: string, options: WorldOptions = {}): Promise<World> => {
  const time = fakeTime(options.at);
  const boardPrices = options.prices ?? { SPY: '500', AAPL: '200', GLD: '180', TLT: '90' };
  const prices = staticPrices(boardPrices);
  const startingCash = options.startingCash ?? '100000';
  const { ledger } = await newTestLedger(endpoint, time.clock);
  let ids = 0;
  // Every broker order id ever stored under each client order id (to prove one broker order per id).
  const seen = new Map<string, Set<string>>();
  const inner = createMemorySimBrokerStore();
  const store: SimBrokerStore = {
    ...inner,
    replaceAccount: async (state, expected) => {
      const ok = await inner.replaceAccount(state, expected);
      if (ok) {
        for (const o of Object.values(state.orders)) {
          const set = seen.get(o.clientOrderId) ?? new Set<string>();
          set.add(o.id);
          seen.set(o.clientOrderId, set);
        }
      }
      return ok;
    },
  };
  const broker = createSimBroker({
    store,
    prices,
    clock: time.clock,
    startingCash,
    nonFractionable: options.nonFractionable ?? [],
    slippageBps: options.slippageBps ?? 0,
    newOrderId: () => `order-${++ids}`,
  });
  let transfers = 0;
  const world: World = {
    ledger,
    broker,
    prices,
    boardPrices,
    time,
    startingCash,
    brokerOrders: () => seen,
    fund: async (bookId, amount) => {
      await ledger.applyTransfer({
        transferId: `fund-${++transfers}-${bookId}`,
        day: DAY,
        from: UNALLOCATED,
        to: bookId,
        kind: 'cash',
        amount,
        reason: 'initial funding',
      });
    },
    deps: (overrides = {}) => ({
      ledger,
      broker,
      clock: time.clock,
      sleep: time.sleep,
      rails: LOOSE_RAILS,
      pollIntervalMs: 1000,
      deadlineMs: 10_000,
      ...overrides,
    }),
    input: (bookId, lines, overrides = {}) => ({
      runId: `${DAY}.test`,
      tradingDay: DAY,
      stage: 'test',
      bookId,
      flow: bookId === 'pool' ? 'aggregated' : 'per-book',
      asOf: DAY,
      lines,
      prices: Object.fromEntries(
        Object.entries(boardPrices).map(([s, p]) => [s, { price: p, session: DAY }]),
      ),
      ...overrides,
    }),
    run: (bookId, lines, opts = {}) =>
      executePlan(
        { ...world.deps(opts.deps), ...(opts.fault ? { fault: opts.fault } : {}) },
        world.input(bookId, lines, opts.input),
      ),
  };
  return world;
};

/** A buy or sell line. */
export const line = (side: 'buy' | 'sell', symbol: string, qty: string, reason = 'test') => ({
  side,
  symbol,
  qty,
  reason,
});

export const BOOK_A = bookOf('alpha');
export const BOOK_B = bookOf('beta');
