/**
 * The history a performance report is computed from, and the report itself. Producers — the backtest (from
 * its in-memory ledger), `ensemble report` (from the ledger's recorded days), Finalize in AWS — build a
 * {@link PerformanceHistory}; `buildReport` (metrics.ts, report.ts) turns it into a {@link PerformanceReport}
 * (the `--json` contract), which the HTML renderer draws. Money and NAVs are decimal strings; metrics are
 * plain numbers (ratios, not money), or `null` where a metric is undefined for the series (docs/reports.md:
 * e.g. a volatility of fewer than two returns, a Sharpe ratio of a series that never moves) — never NaN or
 * Infinity, which JSON cannot carry.
 */
import type { DecimalString } from '../decimal.ts';
import type { Flow, TradingDay } from '../vocabulary.ts';

/** A value per session, ascending by day: `[day, decimal string]`. */
export type Series = readonly (readonly [TradingDay, DecimalString])[];

/** One unit's history: a book (per-book strategy, the pool), a pool member's attributed share, the account. */
export interface UnitHistory {
  /** Strategy id, `pool`, or `account`. */
  readonly id: string;
  /** End-of-session NAV (dollars). The first point is E₀, the NAV at the close of the first session. */
  readonly equity: Series;
  /**
   * Net value moved into (+) or out of (−) the unit by transfers each session, not by trading: funding,
   * capital rebalancing between books, flips (sessions without flows may be absent; absent: none). Returns
   * leave it out: rₜ = (Eₜ − Fₜ)/Eₜ₋₁ − 1. The account's flows are its deposits (books' flows between each
   * other cancel out).
   */
  readonly flows?: Series;
  /** Σ |filled notional| of the unit's fills per session (sessions without fills may be absent). */
  readonly traded: Series;
  /** Orders placed (filled or not). */
  readonly orders: number;
  /** Fees paid (dollars). */
  readonly fees: DecimalString;
  /** Market value per symbol at each session's close (for the allocation chart); may be empty. */
  readonly holdings: readonly (readonly [TradingDay, Readonly<Record<string, DecimalString>>])[];
}

/** A strategy's history, per-book (its own book) or aggregated (its attributed share of the pool). */
export interface StrategyHistory extends UnitHistory {
  readonly flow: Flow;
  /** Its allocation of the account (a fraction, decimal string). */
  readonly allocation: DecimalString;
}

/** What a performance report is computed from. */
export interface PerformanceHistory {
  readonly from: TradingDay;
  readonly to: TradingDay;
  /** `as-configured`, `per-book` or `aggregated` (the backtest's `--flow`), or `recorded` (`ensemble report`). */
  readonly flow: string;
  readonly startingCash: DecimalString;
  /** The account: the sum of every per-book book and the pool, each session. */
  readonly account: UnitHistory;
  readonly strategies: readonly StrategyHistory[];
  /** The pool book, with its members' ids; null when no strategy is aggregated. */
  readonly pool: (UnitHistory & { readonly members: readonly string[] }) | null;
  /** The benchmark's closes over the same sessions; null when none is asked for. */
  readonly benchmark: { readonly symbol: string; readonly closes: Series } | null;
  /** How fills were priced, in words (the report says it). */
  readonly fills: string;
}

/**
 * The metrics of one equity series (docs/reports.md defines each). `null`: undefined for this series (too
 * few returns, a zero denominator); a number is always finite.
 */
export interface Metrics {
  readonly totalReturn: number;
  readonly cagr: number | null;
  readonly volatility: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly maxDrawdown: number;
  readonly maxDrawdownPeak: TradingDay | null;
  readonly maxDrawdownTrough: TradingDay | null;
  readonly calmar: number | null;
  readonly turnover: number | null;
  readonly orders: number;
  readonly fees: number;
  readonly bestDay: number | null;
  readonly worstDay: number | null;
  /** Against the benchmark (account only); null elsewhere. */
  readonly beta: number | null;
  readonly correlation: number | null;
}

/** A series in the report: `[day, nav]`, nav a decimal string in dollars. */
export type EquityCurve = readonly (readonly [TradingDay, DecimalString])[];

/** One unit of a report: its metrics, its equity curve, and its flows when it had any. */
export interface ReportUnit {
  readonly metrics: Metrics;
  readonly equity: EquityCurve;
  /** Net flows in (+) / out (−) by session, only sessions with a flow; absent when there were none. */
  readonly flows?: EquityCurve;
}

/** The `--json` contract of `ensemble backtest` and `ensemble report` (one object). */
export interface PerformanceReport {
  readonly from: TradingDay;
  readonly to: TradingDay;
  readonly sessions: number;
  readonly flow: string;
  readonly startingCash: DecimalString;
  /** How fills were priced, in words. */
  readonly fills: string;
  readonly account: ReportUnit;
  readonly strategies: readonly (ReportUnit & {
    readonly id: string;
    readonly flow: Flow;
    readonly allocation: DecimalString;
  })[];
  readonly pool: (ReportUnit & { readonly members: readonly string[] }) | null;
  /** The benchmark's closes as the value of the account's E₀ invested in it on the first session. */
  readonly benchmark: (ReportUnit & { readonly symbol: string }) | null;
}

/** `--flow compare`: the same set run per-book and all-aggregated. */
export interface PerformanceComparison {
  readonly compare: { readonly 'per-book': PerformanceReport; readonly aggregated: PerformanceReport };
}
