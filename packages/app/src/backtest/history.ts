/**
 * The backtest's {@link PerformanceHistory}, read from its ledger after the last session, as any recorded
 * days are read:
 * - a book (per-book strategy, the pool): equity and flows from its NAV records (Finalize records them every
 *   day: NAV at the close, the day's transfers in and out), traded notional and fees from its fills, its
 *   order count (orders that reached the broker);
 * - a pool member: its attributed share of the pool, Aₜ = fₜ·Pₜ in cents with fₜ its pool fraction on the
 *   session (the ledger's pool attribution of the run; on a session without one — the pool held — the
 *   latest before), its flows what the pool's return does not explain, Fₜ = fₜ·Pₜ − fₜ₋₁·(Pₜ − PFₜ) in
 *   cents (its share of the pool's flows, and the value its fraction gained or lost; f before its first
 *   session is 0), and its share of the pool's traded notional, fees and holdings (every member earns the
 *   pool's return: core's attribution);
 * - the account: the sum of every per-book book and the pool each session — asserted: a book that has a NAV
 *   must have one on every session from its first, or the sum would silently leave it out;
 * - holdings: each book's market value per symbol at each close, captured while the backtest ran.
 */
import {
  type BookId,
  bookOf,
  CASH_DP,
  D,
  type DecimalString,
  EnsembleError,
  ErrorNames,
  type Flow,
  type PerformanceHistory,
  POOL_BOOK,
  type Series,
  type StrategyHistory,
  str,
  type TradingDay,
  type UnitHistory,
} from '@ensemble/core';
import { allPages, type LedgerRepository } from '@ensemble/ledger';

/** The books of a backtest do not add up to its account (a bug, never an input problem). */
export class BacktestInvariantError extends EnsembleError {
  override readonly name = ErrorNames.BacktestInvariant;
}

/** Market value per symbol at each close. */
export type Holdings = UnitHistory['holdings'];

/** A unit's history with its flows (the part the performance types carry as optional). */
export type UnitWithFlows = UnitHistory & { readonly flows: Series };

/** The backtest's history: every unit with its flows. */
export interface BacktestHistory extends PerformanceHistory {
  readonly account: UnitWithFlows;
  readonly strategies: readonly (StrategyHistory & { readonly flows: Series })[];
  readonly pool: (UnitWithFlows & { readonly members: readonly string[] }) | null;
}

/** What the history is read from. */
export interface HistoryInput {
  readonly ledger: LedgerRepository;
  /** The strategies as the backtest traded them. */
  readonly strategies: readonly { readonly id: string; readonly flow: Flow; readonly allocation: number }[];
  readonly startingCash: DecimalString;
  /** The backtest's `--flow`. */
  readonly flow: string;
  /** The fill convention, in words. */
  readonly fills: string;
  /** Each book's holdings, captured at every close. */
  readonly holdings: ReadonlyMap<BookId, Holdings>;
  readonly benchmark: { readonly symbol: string; readonly closes: Series } | null;
}

const ZERO = new D(0);

/** A book's unit, and what its fills traded and paid each day. */
interface Book {
  readonly unit: UnitWithFlows;
  readonly fillsByDay: ReadonlyMap<string, { readonly traded: D; readonly fee: D }>;
}

/** Values by day summed into a series, ascending. */
const seriesOf = (totals: ReadonlyMap<string, D>): Series =>
  [...totals.keys()].sort().map((day) => [day, str(totals.get(day)!)] as const);

/** The sum of several series by session, ascending. */
const sumSeries = (series: readonly Series[]): Series => {
  const totals = new Map<string, D>();
  for (const s of series) for (const [day, v] of s) totals.set(day, (totals.get(day) ?? ZERO).plus(v));
  return seriesOf(totals);
};

/** Holdings summed by day and symbol. */
const sumHoldings = (parts: readonly Holdings[]): Holdings => {
  const days = new Map<string, Map<string, D>>();
  for (const h of parts)
    for (const [day, values] of h) {
      const m = days.get(day) ?? new Map<string, D>();
      for (const [symbol, v] of Object.entries(values)) m.set(symbol, (m.get(symbol) ?? ZERO).plus(v));
      days.set(day, m);
    }
  return [...days.keys()]
    .sort()
    .map((d) => [d, Object.fromEntries([...days.get(d)!].map(([s, v]) => [s, str(v)]))] as const);
};

/** A book's unit, from its NAV records, fills and orders. */
const readBook = async (input: HistoryInput, bookId: BookId, id: string): Promise<Book> => {
  const { ledger } = input;
  const [navs, fills, orders] = await Promise.all([
    allPages((o) => ledger.listNav(bookId, o)),
    allPages((o) => ledger.listFillsOfBook(bookId, o)),
    allPages((o) => ledger.listOrdersOfBook(bookId, o)),
  ]);
  const fillsByDay = new Map<string, { traded: D; fee: D }>();
  for (const f of fills) {
    const day = fillsByDay.get(f.tradingDay) ?? { traded: ZERO, fee: ZERO };
    fillsByDay.set(f.tradingDay, {
      traded: day.traded.plus(new D(f.notional).abs()),
      fee: day.fee.plus(f.fee),
    });
  }
  const unit: UnitWithFlows = {
    id,
    equity: navs.map((n) => [n.day, n.nav] as const),
    flows: navs.flatMap((n) => {
      const flow = new D(n.flowsIn).minus(n.flowsOut);
      return flow.isZero() ? [] : [[n.day, str(flow)] as const];
    }),
    traded: seriesOf(new Map([...fillsByDay].map(([d, v]) => [d, v.traded]))),
    orders: orders.filter((o) => o.status !== 'INTENT').length,
    fees: str([...fillsByDay.values()].reduce((a, v) => a.plus(v.fee), ZERO)),
    holdings: input.holdings.get(bookId) ?? [],
  };
  return { unit, fillsByDay };
};

/** Each session's pool fraction of `strategyId` (carried forward over sessions without an attribution). */
const fractionsOf = async (input: HistoryInput, strategyId: string): Promise<Series> =>
  (await allPages((o) => input.ledger.listPoolAttributionsOfStrategy(strategyId, o))).map(
    (a) => [a.tradingDay, a.fraction] as const,
  );

/** A pool member's attributed unit (see the module comment). */
const memberUnit = (id: string, pool: Book, fractions: Series): UnitWithFlows => {
  const poolFlows = new Map(pool.unit.flows.map(([d, v]) => [d, new D(v)]));
  const poolHoldings = new Map(pool.unit.holdings.map(([d, h]) => [d, h]));
  const equity: (readonly [TradingDay, string])[] = [];
  const flows: (readonly [TradingDay, string])[] = [];
  const traded: (readonly [TradingDay, string])[] = [];
  const holdings: (readonly [TradingDay, Record<string, string>])[] = [];
  let fees = ZERO;
  let k = -1;
  let before = ZERO;
  for (const [day, p] of pool.unit.equity) {
    while (k + 1 < fractions.length && fractions[k + 1]![0] <= day) k++;
    if (k < 0) continue;
    const f = new D(fractions[k]![1]);
    const poolNav = new D(p);
    equity.push([day, str(f.times(poolNav).toDecimalPlaces(CASH_DP))]);
    // Its share now, less what its share before would be worth after the pool's own flows.
    const flow = f
      .minus(before)
      .times(poolNav)
      .plus(before.times(poolFlows.get(day) ?? ZERO));
    const cents = flow.toDecimalPlaces(CASH_DP);
    if (!cents.isZero()) flows.push([day, str(cents)]);
    before = f;
    const filled = pool.fillsByDay.get(day);
    if (filled) {
      traded.push([day, str(f.times(filled.traded).toDecimalPlaces(CASH_DP))]);
      fees = fees.plus(f.times(filled.fee));
    }
    const h = poolHoldings.get(day);
    if (h) {
      const scaled = Object.entries(h).map(([s, v]) => [s, str(f.times(v).toDecimalPlaces(CASH_DP))]);
      holdings.push([day, Object.fromEntries(scaled)]);
    }
  }
  const fee = str(fees.toDecimalPlaces(CASH_DP));
  return { id, equity, flows, traded, orders: pool.unit.orders, fees: fee, holdings };
};

/** Throws unless every book has a NAV on every session from its first (see the module comment). */
const assertBooksComplete = (books: readonly UnitWithFlows[], sessions: readonly string[]): void => {
  for (const b of books) {
    const days = new Set(b.equity.map(([d]) => d));
    const first = b.equity[0]?.[0];
    const missing = sessions.filter((d) => first !== undefined && d >= first && !days.has(d));
    if (missing.length > 0) {
      throw new BacktestInvariantError(
        `book ${b.id} has no NAV on ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}: the account would not be the sum of its books`,
      );
    }
  }
};

/** The backtest's history (see the module comment); `sessions` are the days whose books were valued. */
export const backtestHistory = async (
  input: HistoryInput,
  sessions: readonly string[],
): Promise<BacktestHistory> => {
  const perBook = input.strategies.filter((s) => s.flow === 'per-book');
  const members = input.strategies.filter((s) => s.flow === 'aggregated');
  const books = await Promise.all(perBook.map((s) => readBook(input, bookOf(s.id), s.id)));
  const pool = members.length > 0 ? await readBook(input, POOL_BOOK, 'pool') : null;
  const units = [...books, ...(pool ? [pool] : [])].map((b) => b.unit);
  assertBooksComplete(units, sessions);
  const strategies: (StrategyHistory & { readonly flows: Series })[] = [];
  for (const s of input.strategies) {
    const unit =
      s.flow === 'per-book'
        ? books.find((b) => b.unit.id === s.id)?.unit
        : pool && memberUnit(s.id, pool, await fractionsOf(input, s.id));
    if (unit) strategies.push({ ...unit, flow: s.flow, allocation: String(s.allocation) });
  }
  const account: UnitWithFlows = {
    id: 'account',
    equity: sumSeries(units.map((u) => u.equity)),
    flows: sumSeries(units.map((u) => u.flows)),
    traded: sumSeries(units.map((u) => u.traded)),
    orders: units.reduce((a, u) => a + u.orders, 0),
    fees: str(units.reduce((a, u) => a.plus(u.fees), ZERO)),
    holdings: sumHoldings(units.map((u) => u.holdings)),
  };
  const days = account.equity.map(([d]) => d);
  return {
    from: days[0] ?? sessions[0] ?? '',
    to: days.at(-1) ?? sessions.at(-1) ?? '',
    flow: input.flow,
    startingCash: input.startingCash,
    account,
    strategies,
    pool: pool ? { ...pool.unit, members: members.map((m) => m.id) } : null,
    benchmark: input.benchmark,
    fills: input.fills,
  };
};
