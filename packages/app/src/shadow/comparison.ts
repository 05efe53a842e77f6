/**
 * The shadow comparison (docs/shadow.md): per shadowed strategy and trading day, production against paper —
 * target weights, the orders each placed (paper ones filled on the paper broker), NAV and day P&L, and the
 * cumulative returns since the paper book started, whose difference is the tracking difference. Read from the
 * two scopes of the ledger, never written: Finalize puts a summary of it in the day's notification data
 * (`ShadowSummary`), the CLI under each strategy of `ensemble run`, and a report renderer can draw it as it is
 * (plain data: decimal strings, no class).
 *
 * A strategy's value in a flow: on its own book, that book's NAV; in a pool, its attributed fraction of the
 * pool's NAV (the run's pool attribution), with the pool's return (a member's share moves with the pool). A
 * day's return is the day's P&L over the capital at the start of the day (previous NAV plus the day's
 * transfers in, minus out), so funding and flips are not returns; cumulative returns compound the days the
 * paper book traded, production's over the same days.
 */
import type { LoadedConfig } from '@ensemble/config';
import { type BookId, bookOf, D, type Flow, type Outcome, POOL_BOOK } from '@ensemble/core';
import { allPages, type LedgerRepository, type Nav, type Order, type StrategyRun } from '@ensemble/ledger';
import type { ShadowResult, ShadowSummary } from '@ensemble/workflow/contract';
import { shadowedStrategies } from '../strategies.ts';

/** What the comparison reads, in either scope. */
export type ComparisonLedger = Pick<
  LedgerRepository,
  | 'listStrategyRunsOfStrategy'
  | 'listNav'
  | 'listPoolAttributionsOfStrategy'
  | 'getSignal'
  | 'listOrdersOfBook'
>;

/** One order of a side, as the reports show it. */
export interface ComparisonOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly status: string;
  readonly requestedQty: string | null;
  readonly filledQty: string;
  readonly filledNotional: string;
}

/** A ledger order as the reports show it (the shadow comparison's, and the run report's). */
export const comparisonOrderOf = (o: Order): ComparisonOrder => ({
  clientOrderId: o.clientOrderId,
  symbol: o.symbol,
  side: o.side,
  status: o.status,
  requestedQty: o.requestedQty ?? null,
  filledQty: o.filledQty,
  filledNotional: o.filledNotional,
});

/** One side (production, or paper) of a shadowed strategy on the day. */
export interface ComparisonSide {
  /** The flow the strategy ran in that day (its own book, or a share of the pool). */
  readonly flow: Flow;
  /** Its outcome that day; FAILED with `error` when no outcome was recorded (the paper book crashed). */
  readonly outcome: Outcome;
  readonly error?: { readonly name: string; readonly message: string };
  /** The day's target weights (symbol → weight), or null without a signal. */
  readonly weights: Readonly<Record<string, string>> | null;
  /** The day's orders of its book (in a pool: the pool's orders, which its share took part in). */
  readonly orders: readonly ComparisonOrder[];
  /** Its value at the day's close: its book's NAV, or its fraction of the pool's; null without a NAV. */
  readonly nav: string | null;
  /** NAV change since the previous NAV, net of the day's transfers; null on its first day. */
  readonly dayPnl: string | null;
  /** Compounded return over the comparison's days, in percent (4 decimals); null without any. */
  readonly cumulativeReturnPct: string | null;
}

/** A shadowed strategy on one trading day: production against paper. */
export interface ShadowComparison {
  readonly strategyId: string;
  readonly tradingDay: string;
  readonly runId: string;
  /** `shadow`: paper only (no production side); `live`: it trades, and keeps a paper book in the other flow. */
  readonly mode: 'live' | 'shadow';
  readonly production: ComparisonSide | null;
  readonly shadow: ComparisonSide;
  /** The largest difference of a symbol's target weight between the two sides; null unless both have one. */
  readonly weightsDifference: string | null;
  /** Paper cumulative return minus production's, in percentage points; null for a `mode: shadow` strategy. */
  readonly trackingDifferencePct: string | null;
  /** The days compounded (the days the paper book traded up to this one, and production had a return). */
  readonly days: number;
}

/** What {@link shadowComparison} compares. */
export interface ShadowComparisonInput {
  /** The production scope. */
  readonly ledger: ComparisonLedger;
  /** The shadow scope. */
  readonly shadowLedger: ComparisonLedger;
  readonly config: LoadedConfig;
  readonly runId: string;
  readonly tradingDay: string;
  /** The Shadows Map's results, when known: a paper book that crashed recorded nothing itself. */
  readonly results?: readonly ShadowResult[];
}

/** A book's figures on one day. */
interface BookDay {
  readonly nav: D;
  readonly dayPnl: D | null;
  readonly ret: D | null;
}

const bookDay = (series: readonly Nav[], day: string): BookDay | null => {
  const i = series.findIndex((n) => n.day === day);
  const today = series[i];
  if (today === undefined) return null;
  const prev = series[i - 1];
  const capital = new D(prev?.nav ?? '0').plus(today.flowsIn).minus(today.flowsOut);
  const pnl = new D(today.nav).minus(capital);
  return { nav: new D(today.nav), dayPnl: prev ? pnl : null, ret: capital.gt(0) ? pnl.div(capital) : null };
};

const money = (d: D | null): string | null => (d === null ? null : d.toDecimalPlaces(2).toFixed(2));
const pct = (d: D | null): string | null => (d === null ? null : d.times(100).toDecimalPlaces(4).toFixed());

/** A memo of promises by key. */
const memo = <K, V>(load: (key: K) => Promise<V>) => {
  const seen = new Map<K, Promise<V>>();
  return (key: K): Promise<V> => {
    let v = seen.get(key);
    if (!v) {
      v = load(key);
      seen.set(key, v);
    }
    return v;
  };
};

/** One scope's reads up to `to`, each book's NAV series and each strategy's pool attributions read once. */
const scopeReader = (ledger: ComparisonLedger, to: string) => {
  const series = memo((bookId: BookId) => allPages((o) => ledger.listNav(bookId, { ...o, to })));
  const attributions = memo((strategyId: string) =>
    allPages((o) => ledger.listPoolAttributionsOfStrategy(strategyId, { ...o, to })),
  );
  /** The strategy's figures on `day` in `flow`: its book's, or its share of the pool's. */
  const figures = async (strategyId: string, flow: Flow, day: string, runId: string) => {
    if (flow === 'per-book') return bookDay(await series(bookOf(strategyId)), day);
    const pool = bookDay(await series(POOL_BOOK), day);
    if (!pool) return null;
    const fraction = (await attributions(strategyId)).find((a) => a.runId === runId)?.fraction;
    if (fraction === undefined) return { nav: null, dayPnl: null, ret: pool.ret };
    return {
      nav: pool.nav.times(fraction),
      dayPnl: pool.dayPnl === null ? null : pool.dayPnl.times(fraction),
      ret: pool.ret,
    };
  };
  return { figures };
};

const returnsOf = async (
  reader: ReturnType<typeof scopeReader>,
  strategyId: string,
  runs: readonly StrategyRun[],
): Promise<Map<string, D>> => {
  const out = new Map<string, D>();
  for (const r of runs) {
    const f = await reader.figures(strategyId, r.flow, r.tradingDay, r.runId);
    if (f?.ret) out.set(r.tradingDay, f.ret);
  }
  return out;
};

const compound = (returns: Iterable<D>): D => {
  let c = new D(1);
  for (const r of returns) c = c.times(r.plus(1));
  return c.minus(1);
};

/** The day's side of one scope (null when that scope has no record of the strategy that day and no result). */
const sideOf = async (
  ledger: ComparisonLedger,
  reader: ReturnType<typeof scopeReader>,
  input: ShadowComparisonInput,
  strategyId: string,
  today: StrategyRun | undefined,
  flow: Flow,
  cumulative: D | null,
  missing?: { outcome: Outcome; error: { name: string; message: string } },
): Promise<ComparisonSide> => {
  const day = input.tradingDay;
  const ran = today?.flow ?? flow;
  const bookId = ran === 'per-book' ? bookOf(strategyId) : POOL_BOOK;
  const [signal, orders, figures] = await Promise.all([
    ledger.getSignal(input.runId, strategyId),
    allPages((o) => ledger.listOrdersOfBook(bookId, { ...o, from: day, to: day })),
    reader.figures(strategyId, ran, day, input.runId),
  ]);
  const error = today?.error ?? (today ? undefined : missing?.error);
  return {
    flow: ran,
    outcome: today?.outcome ?? missing?.outcome ?? 'FAILED',
    ...(error ? { error: { name: error.name, message: error.message } } : {}),
    weights: signal ? { ...signal.weights } : null,
    orders: orders
      .filter((o) => o.runId === input.runId)
      .sort((a, b) => a.clientOrderId.localeCompare(b.clientOrderId))
      .map(comparisonOrderOf),
    nav: money(figures?.nav ?? null),
    dayPnl: money(figures?.dayPnl ?? null),
    cumulativeReturnPct: pct(cumulative),
  };
};

const largestDifference = (
  a: Readonly<Record<string, string>> | null,
  b: Readonly<Record<string, string>> | null,
): string | null => {
  if (a === null || b === null) return null;
  let max = new D(0);
  for (const s of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = new D(a[s] ?? '0').minus(b[s] ?? '0').abs();
    if (d.gt(max)) max = d;
  }
  return max.toFixed();
};

/** Why a paper book has no recorded outcome: its Map result, or that it never ran. */
const missingOutcome = (
  results: readonly ShadowResult[] | undefined,
  bookId: BookId,
): { outcome: Outcome; error: { name: string; message: string } } => {
  const r = results?.find((x) => x.bookId === bookId);
  if (r?.error)
    return { outcome: r.outcome ?? 'FAILED', error: { name: r.error.Error, message: r.error.Cause ?? '' } };
  return {
    outcome: 'FAILED',
    error: { name: 'NoPaperResult', message: 'no paper result recorded for this run' },
  };
};

/** The day's comparison of every shadowed strategy of the configuration (see the module comment). */
export const shadowComparison = async (input: ShadowComparisonInput): Promise<ShadowComparison[]> => {
  const out: ShadowComparison[] = [];
  const day = input.tradingDay;
  const paperReader = scopeReader(input.shadowLedger, day);
  const productionReader = scopeReader(input.ledger, day);
  for (const { strategy, flow } of shadowedStrategies(input.config)) {
    const id = strategy.id;
    const paperRuns = await allPages((o) =>
      input.shadowLedger.listStrategyRunsOfStrategy(id, { ...o, to: day }),
    );
    const paperReturns = await returnsOf(paperReader, id, paperRuns);
    const paperToday = paperRuns.find((r) => r.runId === input.runId);
    const paperBook = flow === 'per-book' ? bookOf(id) : POOL_BOOK;
    const live = strategy.mode === 'live';
    let production: ComparisonSide | null = null;
    let tracking: string | null = null;
    let days = paperReturns.size;
    let paperCumulative = paperReturns.size > 0 ? compound(paperReturns.values()) : null;
    if (live) {
      const from = paperRuns[0]?.tradingDay ?? day;
      const runs = await allPages((o) =>
        input.ledger.listStrategyRunsOfStrategy(id, { ...o, from, to: day }),
      );
      const prodReturns = await returnsOf(productionReader, id, runs);
      const common = [...paperReturns.keys()].filter((d) => prodReturns.has(d));
      days = common.length;
      const paperCommon = common.length > 0 ? compound(common.map((d) => paperReturns.get(d)!)) : null;
      const prodCommon = common.length > 0 ? compound(common.map((d) => prodReturns.get(d)!)) : null;
      paperCumulative = paperCommon;
      tracking = paperCommon && prodCommon ? pct(paperCommon.minus(prodCommon)) : null;
      const today = runs.find((r) => r.runId === input.runId);
      production = await sideOf(input.ledger, productionReader, input, id, today, strategy.flow, prodCommon);
    }
    const shadow = await sideOf(
      input.shadowLedger,
      paperReader,
      input,
      id,
      paperToday,
      flow,
      paperCumulative,
      missingOutcome(input.results, paperBook),
    );
    out.push({
      strategyId: id,
      tradingDay: day,
      runId: input.runId,
      mode: strategy.mode,
      production,
      shadow,
      weightsDifference: largestDifference(production?.weights ?? null, shadow.weights),
      trackingDifferencePct: tracking,
      days,
    });
  }
  return out;
};

/** The notification's line of a comparison (Finalize's `shadows`). */
export const shadowSummaryOf = (c: ShadowComparison): ShadowSummary => ({
  strategyId: c.strategyId,
  mode: c.mode,
  flow: c.shadow.flow,
  outcome: c.shadow.outcome,
  ...(c.shadow.error ? { error: c.shadow.error } : {}),
  nav: c.shadow.nav,
  dayPnl: c.shadow.dayPnl,
  productionNav: c.production?.nav ?? null,
  productionDayPnl: c.production?.dayPnl ?? null,
  trackingDifferencePct: c.trackingDifferencePct,
});
