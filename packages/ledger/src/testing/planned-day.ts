/**
 * A trading day driven by core's planner and written through the ledger step by step, each step idempotent
 * the way the workflow's tasks are: fund new books, create the run (with the flows), and per book
 * signal → plan (core `planRebalance`, or `planPool` + pool attributions for the pool; an already recorded
 * plan is reused, never re-planned from a half-traded book) → order intents → SUBMITTED → fills (some
 * partial, in two executions) → applyFill → FILLED → NAV (core `valueBook`) → run SUCCEEDED.
 * Used by the replay test (every write twice, whole days twice, crashes).
 */
import {
  type AssetFacts,
  bookOf,
  type CapitalPolicy,
  type Flow,
  type PlannerSettings,
  POOL_BOOK,
  parsePlannerSettings,
  planPool,
  planRebalance,
  type TargetWeights,
  valueBook,
} from '@ensemble/core';
import { Decimal } from 'decimal.js';
import { fundBooks } from '../operations/capital.ts';
import { allPages } from '../pages.ts';
import type {
  BookLedger,
  OrderLedger,
  PlanLedger,
  RunLedger,
  SignalLedger,
  TransferLedger,
} from '../repository/index.ts';
import { plannedOrderOf } from '../repository/index.ts';
import type { BookId, PlannedOrder } from '../types.ts';

const SYMBOLS = ['SPY', 'QQQ', 'TLT', 'GLD', 'BRK', 'XLK'] as const;

/** The `i`-th symbol, cycling. */
const symbolAt = (i: number): string => SYMBOLS[i % SYMBOLS.length] ?? SYMBOLS[0];
const ASSETS: Record<string, AssetFacts> = Object.fromEntries(
  SYMBOLS.map((s) => [s, { fractionable: s !== 'BRK', tradable: true }]),
);

/** The strategies of the planned day: two on their own books, two in the pool. */
export const PLANNED_STRATEGIES: readonly { id: string; flow: Flow }[] = [
  { id: 'alpha', flow: 'per-book' },
  { id: 'beta', flow: 'per-book' },
  { id: 'delta', flow: 'aggregated' },
  { id: 'epsilon', flow: 'aggregated' },
];
const POLICY: CapitalPolicy = { kind: 'equal', reserve: '0.05', capitalBand: '0.1', rebalanceCapital: false };

const hash = (s: string) => [...s].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 1_000_003, 17);

/** A deterministic price of `symbol` on `day` (2 decimals, 20..500). */
export const plannedPrice = (symbol: string, day: string): string =>
  new Decimal(20 + (hash(`${symbol}@${day}`) % 48_000) / 100).toFixed(2);

const pricesOf = (day: string) => Object.fromEntries(SYMBOLS.map((s) => [s, plannedPrice(s, day)]));

/** Targets of a strategy on a day: two symbols, 60/40, rotating with the day. */
const targetsOf = (strategyId: string, day: string): TargetWeights => {
  const k = hash(`${strategyId}#${day}`);
  return { [symbolAt(k)]: '0.6', [symbolAt(k + 1)]: '0.4' };
};

const settingsOf = (strategyId: string): PlannerSettings =>
  parsePlannerSettings(
    strategyId === 'beta' ? { rebalance: { kind: 'threshold', threshold: '0.05' } } : { cashBuffer: '0.01' },
  );

/** What a planned day writes: every role but the controls (no kill switch, lease or notional rail). */
export type PlannedDayLedger = RunLedger &
  SignalLedger &
  PlanLedger &
  OrderLedger &
  BookLedger &
  TransferLedger;

/** Options of {@link planDay}. */
export interface PlanDayOptions {
  day: string;
  /** Account equity for funding new books. @default '1000000' */
  accountEquity?: string;
}

/** Write one planned trading day; returns the run id. */
export const planDay = async (ledger: PlannedDayLedger, options: PlanDayOptions): Promise<string> => {
  const { day } = options;
  const prices = pricesOf(day);
  const at = `${day}T20:00:00.000Z`;
  await fundBooks(ledger, {
    policy: POLICY,
    strategies: [...PLANNED_STRATEGIES],
    accountEquity: options.accountEquity ?? '1000000',
    day,
  });
  const state = await ledger.getFlowState();
  const run = await ledger.createRun({
    tradingDay: day,
    stage: 'rebalance',
    asOf: day,
    dataSnapshot: `planned@${day}`,
    flows: state.flows,
  });
  const runId = run.status === 'conflict' ? run.current.runId : run.item.runId;

  for (const s of PLANNED_STRATEGIES) {
    const targets = targetsOf(s.id, day);
    await ledger.recordSignal({
      runId,
      tradingDay: day,
      strategyId: s.id,
      weights: { ...targets },
      traceRef: `t/${s.id}`,
    });
  }

  const perBook = PLANNED_STRATEGIES.filter((s) => state.flows[s.id] === 'per-book');
  for (const s of perBook) {
    const bookId = bookOf(s.id);
    let plan = await ledger.getPlan(runId, bookId);
    if (!plan) {
      const book = await ledger.getBook(bookId);
      const p = planRebalance({
        book,
        targets: targetsOf(s.id, day),
        prices,
        assets: ASSETS,
        settings: settingsOf(s.id),
      });
      await ledger.recordPlan({ runId, tradingDay: day, bookId, orders: p.lines.map(plannedOrderOf) });
      plan = await ledger.getPlan(runId, bookId);
    }
    await execute(ledger, { runId, day, bookId, tag: s.id, orders: plan?.orders ?? [], prices });
    await ledger.recordStrategyRun({
      runId,
      tradingDay: day,
      strategyId: s.id,
      flow: 'per-book',
      outcome: (plan?.orders.length ?? 0) > 0 ? 'TRADED' : 'ALL_HOLD',
      startedAt: at,
      finishedAt: at,
    });
  }

  const members = Object.keys(state.poolShares).sort();
  if (members.length > 0) {
    let plan = await ledger.getPlan(runId, POOL_BOOK);
    if (!plan) {
      const pool = await ledger.getBook(POOL_BOOK);
      const targets = Object.fromEntries(members.map((id) => [id, targetsOf(id, day)]));
      const pp = planPool({
        pool,
        shares: state.poolShares,
        targets,
        prices,
        assets: ASSETS,
        settings: settingsOf('pool'),
      });
      const nav = new Decimal(pp.plan.nav);
      for (const id of members) {
        const share = new Decimal(state.poolShares[id] ?? '0');
        await ledger.recordPoolAttribution({
          runId,
          tradingDay: day,
          strategyId: id,
          fraction: share.toFixed(),
          capital: share.times(nav).toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(),
          weights: { ...targets[id] },
          holdings: Object.fromEntries(
            pool.positions.map((p) => [
              p.symbol,
              share.times(p.qty).toDecimalPlaces(9, Decimal.ROUND_DOWN).toFixed(),
            ]),
          ),
        });
      }
      await ledger.recordPlan({
        runId,
        tradingDay: day,
        bookId: POOL_BOOK,
        orders: pp.plan.lines.map(plannedOrderOf),
      });
      plan = await ledger.getPlan(runId, POOL_BOOK);
    }
    await execute(ledger, { runId, day, bookId: POOL_BOOK, tag: 'pool', orders: plan?.orders ?? [], prices });
    for (const id of members) {
      await ledger.recordStrategyRun({
        runId,
        tradingDay: day,
        strategyId: id,
        flow: 'aggregated',
        outcome: (plan?.orders.length ?? 0) > 0 ? 'TRADED' : 'ALL_HOLD',
        startedAt: at,
        finishedAt: at,
      });
    }
  }

  const funded = await allPages((o) => ledger.listTransfers({ ...o, from: day, to: day }));
  const books: BookId[] = [...perBook.map((s) => bookOf(s.id)), ...(members.length > 0 ? [POOL_BOOK] : [])];
  for (const bookId of books) {
    const v = valueBook(await ledger.getBook(bookId), prices);
    const flowsIn = funded
      .filter((t) => t.kind === 'cash' && t.to === bookId)
      .reduce((a, t) => a.plus(t.amount), new Decimal(0));
    await ledger.recordNav({
      bookId,
      day,
      cash: v.cash,
      positionsValue: v.marketValue,
      nav: v.nav,
      flowsIn: flowsIn.toFixed(),
    });
  }
  await ledger.updateRunStatus({ runId, expected: 'RUNNING', status: 'SUCCEEDED' });
  return runId;
};

/** Orders of a plan: intent → SUBMITTED → one or two fills applied → FILLED. Sells first (plan order). */
const execute = async (
  ledger: OrderLedger,
  t: {
    runId: string;
    day: string;
    bookId: BookId;
    tag: string;
    orders: PlannedOrder[];
    prices: Record<string, string>;
  },
): Promise<void> => {
  for (const o of t.orders) {
    const clientOrderId = `${t.runId}:${t.tag}:${o.symbol}:${o.side}`;
    const qty = new Decimal(o.qty ?? '0');
    await ledger.recordOrderIntent({
      clientOrderId,
      runId: t.runId,
      tradingDay: t.day,
      bookId: t.bookId,
      symbol: o.symbol,
      side: o.side,
      requestedQty: qty.toFixed(),
      reason: o.reason,
    });
    await ledger.updateOrderStatus({
      clientOrderId,
      expectedVersion: 1,
      status: 'SUBMITTED',
      brokerOrderId: `b-${clientOrderId}`,
    });
    const price = t.prices[o.symbol];
    if (price === undefined) throw new Error(`planned day: no price of ${o.symbol}`);
    // Whole quantities above one share fill in two executions (a partial, then the rest).
    const first = qty.gt(1) && qty.isInteger() ? qty.div(2).floor() : qty;
    const parts = first.eq(qty) ? [qty] : [first, qty.minus(first)];
    for (const [i, q] of parts.entries()) {
      const fillId = `${clientOrderId}:${i + 1}`;
      await ledger.recordFill({
        fillId,
        clientOrderId,
        runId: t.runId,
        tradingDay: t.day,
        bookId: t.bookId,
        symbol: o.symbol,
        side: o.side,
        qty: q.toFixed(),
        price,
        fee: '0',
        filledAt: `${t.day}T20:30:0${i}.000Z`,
      });
      await ledger.applyFill(fillId);
    }
    await ledger.updateOrderStatus({
      clientOrderId,
      expectedVersion: 2,
      status: 'FILLED',
      filledQty: qty.toFixed(),
      filledNotional: qty.times(price).toFixed(),
    });
  }
};
