/**
 * `buildReport`: a {@link PerformanceHistory} → the {@link PerformanceReport} (`--json` contract) — each
 * unit's metrics (metrics.ts) next to its equity curve and flows; beta and correlation for the account
 * against the benchmark; the benchmark drawn as the account's first NAV invested in it on the first session.
 * And `compareReports`: what differs between the per-book and the aggregated run of the same set.
 */
import { CASH_DP, D, str } from '../decimal.ts';
import { computeMetrics } from './metrics.ts';
import { fundedPart } from './returns.ts';
import { nonZero } from './series.ts';
import type {
  EquityCurve,
  PerformanceHistory,
  PerformanceReport,
  ReportUnit,
  Series,
  UnitHistory,
} from './types.ts';

const unitOf = (u: UnitHistory, benchmark?: Series): ReportUnit => {
  const flows = nonZero(u.flows);
  return {
    metrics: computeMetrics(u, benchmark === undefined ? {} : { benchmark }),
    equity: u.equity,
    ...(flows.length > 0 ? { flows } : {}),
  };
};

/** The benchmark's closes within the account's sessions, as `base` invested on the first of them. */
const benchmarkCurve = (closes: Series, days: ReadonlySet<string>, base: D): EquityCurve => {
  const within = fundedPart(closes.filter(([day]) => days.size === 0 || days.has(day)));
  const first = within[0];
  if (!first) return [];
  const start = new D(first[1]);
  return within.map(([day, c]) => [day, str(base.times(c).div(start).toDecimalPlaces(CASH_DP))] as const);
};

/** The report of a history (see the module comment). */
export const buildReport = (history: PerformanceHistory): PerformanceReport => {
  const bench = history.benchmark;
  const accountDays = new Set(history.account.equity.map(([day]) => day));
  const base = new D(fundedPart(history.account.equity)[0]?.[1] ?? history.startingCash);
  const benchmarkEquity = bench ? benchmarkCurve(bench.closes, accountDays, base) : [];
  return {
    from: history.from,
    to: history.to,
    sessions: history.account.equity.length,
    flow: history.flow,
    startingCash: history.startingCash,
    fills: history.fills,
    account: unitOf(history.account, bench ? bench.closes : undefined),
    strategies: history.strategies.map((s) => ({
      id: s.id,
      flow: s.flow,
      allocation: s.allocation,
      ...unitOf(s),
    })),
    pool: history.pool ? { members: history.pool.members, ...unitOf(history.pool) } : null,
    benchmark: bench
      ? {
          symbol: bench.symbol,
          metrics: computeMetrics({ equity: benchmarkEquity }),
          equity: benchmarkEquity,
        }
      : null,
  };
};

/** One row of a flow comparison: a value per flow and their difference (per-book − aggregated). */
export interface ComparedValue {
  readonly perBook: number | null;
  readonly aggregated: number | null;
  readonly difference: number | null;
}

/** What an operator asks before flipping flags: the account's headline metrics per flow, and per strategy. */
export interface FlowComparison {
  readonly account: Readonly<
    Record<'totalReturn' | 'maxDrawdown' | 'turnover' | 'orders' | 'fees', ComparedValue>
  >;
  /**
   * Per strategy: its total return on its own book and as its attributed share of the pool, and the tracking
   * difference between the two (own book − attributed share).
   */
  readonly strategies: readonly { readonly id: string; readonly totalReturn: ComparedValue }[];
}

const compared = (a: number | null | undefined, b: number | null | undefined): ComparedValue => ({
  perBook: a ?? null,
  aggregated: b ?? null,
  difference: a === null || a === undefined || b === null || b === undefined ? null : a - b,
});

/** Compares the per-book and the aggregated report of the same set (see {@link FlowComparison}). */
export const compareReports = (perBook: PerformanceReport, aggregated: PerformanceReport): FlowComparison => {
  const a = perBook.account.metrics;
  const b = aggregated.account.metrics;
  const theirs = new Map(aggregated.strategies.map((s) => [s.id, s.metrics]));
  const ids = [...new Set([...perBook.strategies.map((s) => s.id), ...theirs.keys()])].sort();
  const ours = new Map(perBook.strategies.map((s) => [s.id, s.metrics]));
  return {
    account: {
      totalReturn: compared(a.totalReturn, b.totalReturn),
      maxDrawdown: compared(a.maxDrawdown, b.maxDrawdown),
      turnover: compared(a.turnover, b.turnover),
      orders: compared(a.orders, b.orders),
      fees: compared(a.fees, b.fees),
    },
    strategies: ids.map((id) => ({
      id,
      totalReturn: compared(ours.get(id)?.totalReturn, theirs.get(id)?.totalReturn),
    })),
  };
};
