/**
 * A simulated trading day written through the ledger the way the workflow will: run, strategy runs,
 * signals, plans, orders (INTENT → SUBMITTED → FILLED), fills applied to books, pool attributions, NAV,
 * run status. Every id is deterministic, so running the same day twice must leave the same table.
 * Used by the replay test and the write benchmark.
 */
import { Decimal } from 'decimal.js';
import {
  type BookLedger,
  type OrderLedger,
  type PlanLedger,
  type PlannedOrderInput,
  type RunLedger,
  runIdOf,
  type SignalLedger,
  type TransferLedger,
} from '../repository/index.ts';
import type { BookId } from '../types.ts';

/** What a simulated day writes: runs, signals, plans, orders and fills, its books' NAVs and their funding. */
export type SimulatedDayLedger = RunLedger &
  SignalLedger &
  PlanLedger &
  OrderLedger &
  Pick<BookLedger, 'getBook' | 'recordNav'> &
  Pick<TransferLedger, 'applyTransfer'>;

/** Options of {@link simulateDay}. */
export interface SimulateDayOptions {
  /** @default '2025-01-02' */
  day?: string;
  /** Strategies; the last quarter trade through the pool, the rest on their own books. @default 20 */
  strategies?: number;
  /** Symbols bought per strategy. @default 3 */
  symbolsPerStrategy?: number;
}

const SYMBOLS = ['SPY', 'QQQ', 'TQQQ', 'SOXL', 'TLT', 'GLD', 'UVXY', 'BIL', 'XLK', 'SQQQ'] as const;

/** The `i`-th symbol, cycling. */
const symbolAt = (i: number): string => SYMBOLS[i % SYMBOLS.length] ?? SYMBOLS[0];

const priceOf = (symbol: string, day: string): string => {
  const seed = [...`${symbol}${day}`].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 100_000, 7);
  return new Decimal(20 + (seed % 48_000) / 100).toFixed(2);
};

/** The id of the `i`-th simulated strategy. */
const strategyIdOf = (i: number): string => `s${String(i).padStart(2, '0')}`;

/** Write one trading day of `strategies` books; returns the run id. */
export const simulateDay = async (
  ledger: SimulatedDayLedger,
  options: SimulateDayOptions = {},
): Promise<string> => {
  const day = options.day ?? '2025-01-02';
  const n = options.strategies ?? 20;
  const perStrategy = options.symbolsPerStrategy ?? 3;
  const aggregatedFrom = Math.ceil((n * 3) / 4);
  const run = await ledger.createRun({
    tradingDay: day,
    stage: 'rebalance',
    asOf: day,
    dataSnapshot: `bars@${day}`,
    flows: Object.fromEntries(
      Array.from(
        { length: n },
        (_, i) => [strategyIdOf(i), i >= aggregatedFrom ? 'aggregated' : 'per-book'] as const,
      ),
    ),
  });
  const runId = run.status === 'conflict' ? runIdOf(day, 'rebalance') : run.item.runId;
  const at = `${day}T20:59:00.000Z`;
  const poolOrders: PlannedOrderInput[] = [];

  for (let i = 0; i < n; i++) {
    const strategyId = strategyIdOf(i);
    const aggregated = i >= aggregatedFrom;
    const bookId: BookId = aggregated ? 'pool' : `strategy#${strategyId}`;
    const symbols = Array.from({ length: perStrategy }, (_, k) => symbolAt(i + k));
    const weight = new Decimal(1).div(perStrategy).toDecimalPlaces(6).toFixed();
    await ledger.recordSignal({
      runId,
      tradingDay: day,
      strategyId,
      weights: Object.fromEntries(symbols.map((s) => [s, weight])),
      traceRef: `traces/${day}/${strategyId}.json`,
    });
    await ledger.recordStrategyRun({
      runId,
      tradingDay: day,
      strategyId,
      flow: aggregated ? 'aggregated' : 'per-book',
      outcome: 'TRADED',
      startedAt: at,
      finishedAt: at,
    });
    const planned = symbols.map((symbol): PlannedOrderInput => {
      const price = priceOf(symbol, day);
      return {
        symbol,
        side: 'buy',
        qty: '10',
        price,
        notional: new Decimal(price).times(10).toFixed(),
        reason: 'rebalance',
      };
    });
    if (aggregated) {
      poolOrders.push(...planned);
      await ledger.recordPoolAttribution({
        runId,
        tradingDay: day,
        strategyId,
        fraction: new Decimal(1)
          .div(n - aggregatedFrom)
          .toDecimalPlaces(6)
          .toFixed(),
        capital: '10000',
        weights: Object.fromEntries(symbols.map((s) => [s, weight])),
        holdings: Object.fromEntries(symbols.map((s) => [s, '10'])),
      });
      continue;
    }
    await ledger.applyTransfer({
      transferId: `${day}:fund:${bookId}`,
      day,
      kind: 'cash',
      from: 'unallocated',
      to: bookId,
      amount: '10000',
      reason: 'initial capital',
    });
    await ledger.recordPlan({ runId, tradingDay: day, bookId, orders: planned });
    await trade(ledger, { runId, day, bookId, tag: strategyId, orders: planned });
  }

  if (poolOrders.length > 0) {
    await ledger.applyTransfer({
      transferId: `${day}:fund:pool`,
      day,
      kind: 'cash',
      from: 'unallocated',
      to: 'pool',
      amount: '50000',
      reason: 'initial capital',
    });
    await ledger.recordPlan({ runId, tradingDay: day, bookId: 'pool', orders: poolOrders });
    await trade(ledger, { runId, day, bookId: 'pool', tag: 'pool', orders: poolOrders });
  }

  for (const bookId of bookIds(n, aggregatedFrom)) {
    const book = await ledger.getBook(bookId);
    const positionsValue = book.positions.reduce(
      (sum, p) => sum.plus(new Decimal(p.qty).times(priceOf(p.symbol, day))),
      new Decimal(0),
    );
    await ledger.recordNav({
      bookId,
      day,
      cash: book.cash,
      positionsValue: positionsValue.toFixed(),
      nav: positionsValue.plus(book.cash).toFixed(),
      flowsIn: bookId === 'pool' ? '50000' : '10000',
    });
  }
  await ledger.updateRunStatus({ runId, expected: 'RUNNING', status: 'SUCCEEDED' });
  return runId;
};

const bookIds = (n: number, aggregatedFrom: number): BookId[] => [
  ...Array.from({ length: aggregatedFrom }, (_, i): BookId => `strategy#${strategyIdOf(i)}`),
  ...(n > aggregatedFrom ? ['pool'] : []),
];

const trade = async (
  ledger: OrderLedger,
  t: { runId: string; day: string; bookId: BookId; tag: string; orders: PlannedOrderInput[] },
): Promise<void> => {
  for (const [k, o] of t.orders.entries()) {
    const clientOrderId = `${t.runId}:${t.tag}:${k}:${o.symbol}:${o.side}`;
    await ledger.recordOrderIntent({
      clientOrderId,
      runId: t.runId,
      tradingDay: t.day,
      bookId: t.bookId,
      symbol: o.symbol,
      side: o.side,
      requestedQty: o.qty,
      reason: o.reason,
    });
    await ledger.updateOrderStatus({
      clientOrderId,
      expectedVersion: 1,
      status: 'SUBMITTED',
      brokerOrderId: `b-${clientOrderId}`,
    });
    const price = priceOf(o.symbol, t.day);
    const fillId = `f-${clientOrderId}`;
    await ledger.recordFill({
      fillId,
      clientOrderId,
      runId: t.runId,
      tradingDay: t.day,
      bookId: t.bookId,
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      price,
      filledAt: `${t.day}T20:59:30.000Z`,
    });
    await ledger.applyFill(fillId);
    await ledger.updateOrderStatus({
      clientOrderId,
      expectedVersion: 2,
      status: 'FILLED',
      filledQty: o.qty,
      filledNotional: new Decimal(o.qty).times(price).toFixed(),
    });
  }
};
