/**
 * The metrics of one equity series, exactly as docs/reports.md defines them, on the daily returns of
 * returns.ts (n returns over the n + 1 points E₀…Eₙ of the funded series):
 *   totalReturn = Π(1 + rₜ) − 1 (= Eₙ/E₀ − 1 without flows); cagr = (1 + totalReturn)^(252/n) − 1;
 *   volatility = stdev(r, ddof 1)·√252; sharpe = mean(r)/stdev(r)·√252 (risk-free 0);
 *   sortino = mean(r)/√mean(min(r, 0)²)·√252; maxDrawdown = maxₜ 1 − Iₜ/maxₛ≤ₜ Iₛ on the growth index;
 *   calmar = cagr/maxDrawdown; turnover = Σ|filled notional| / mean NAV · 252/(n + 1);
 *   beta and correlation of the returns against the benchmark's on the sessions both have.
 * A metric that is undefined for the series (too few returns, a zero denominator) is null, never NaN or
 * Infinity.
 */
import { D, type DecimalString, sum } from '../decimal.ts';
import { type DailyReturn, dailyReturns, fundedPart, growthIndex, maxDrawdownOf } from './returns.ts';
import type { Metrics, Series } from './types.ts';

/** Sessions in a year, for annualizing. */
export const SESSIONS_PER_YEAR = 252;

/** What the metrics of a unit are computed from (a {@link UnitHistory} is one). */
export interface MetricsInput {
  readonly equity: Series;
  readonly flows?: Series;
  /** Σ |filled notional| per session. @default none */
  readonly traded?: Series;
  /** @default 0 */
  readonly orders?: number;
  /** @default "0" */
  readonly fees?: DecimalString;
}

/** Options of {@link computeMetrics}. */
export interface MetricsOptions {
  /** The benchmark's closes: beta and correlation are computed against them when given. @default none */
  readonly benchmark?: Series;
}

/** `x` when it is a finite number, else null. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample covariance (ddof 1) of two equally long lists; null with fewer than two values. */
const covariance = (xs: readonly number[], ys: readonly number[]): number | null => {
  if (xs.length < 2) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - mx) * (ys[i]! - my);
  return s / (xs.length - 1);
};

/** Sample standard deviation (ddof 1); null with fewer than two values. */
const stdev = (xs: readonly number[]): number | null => {
  const v = covariance(xs, xs);
  return v === null ? null : Math.sqrt(v);
};

/** `a / b`, null when either is null, `b` is zero, or the quotient is not finite. */
const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : finite(a / b);

const clamp = (x: number | null): number | null => (x === null ? null : Math.min(1, Math.max(-1, x)));

/** Beta and correlation of `r` against `benchmark` returns on the sessions both have. */
const versus = (
  r: readonly DailyReturn[],
  benchmark: readonly DailyReturn[],
): { beta: number | null; correlation: number | null } => {
  const theirs = new Map(benchmark.map((x) => [x.day, x.r]));
  const pairs = r.filter((x) => theirs.has(x.day));
  const a = pairs.map((x) => x.r);
  const b = pairs.map((x) => theirs.get(x.day)!);
  const cov = covariance(a, b);
  const sa = stdev(a);
  const sb = stdev(b);
  return {
    beta: ratio(cov, sb === null ? null : sb * sb),
    // Rounding can put a perfect (anti)correlation a hair outside [−1, 1].
    correlation: clamp(ratio(cov, sa === null || sb === null ? null : sa * sb)),
  };
};

/** The metrics of one unit's equity series (see the module comment). */
export const computeMetrics = (unit: MetricsInput, options: MetricsOptions = {}): Metrics => {
  const points = fundedPart(unit.equity);
  const returns = dailyReturns(points, unit.flows);
  const r = returns.map((x) => x.r);
  const n = r.length;
  const index = growthIndex(points, unit.flows);
  const totalReturn = (index.at(-1)?.[1] ?? 1) - 1;
  const annual = Math.sqrt(SESSIONS_PER_YEAR);

  const growth = 1 + totalReturn;
  const cagr = n === 0 ? null : growth <= 0 ? -1 : finite(growth ** (SESSIONS_PER_YEAR / n) - 1);
  const sd = stdev(r);
  const meanR = n === 0 ? null : mean(r);
  const downside = n === 0 ? null : Math.sqrt(mean(r.map((x) => Math.min(x, 0) ** 2)));
  const dd = maxDrawdownOf(index);

  const first = points[0]?.[0];
  const last = points.at(-1)?.[0];
  const traded = sum(
    (unit.traded ?? [])
      .filter(([day]) => first !== undefined && last !== undefined && day >= first && day <= last)
      .map(([, v]) => new D(v).abs()),
  );
  const meanNav = points.length === 0 ? null : sum(points.map(([, v]) => v)).div(points.length);
  const turnover =
    meanNav === null || !meanNav.gt(0)
      ? null
      : finite(traded.div(meanNav).toNumber() * (SESSIONS_PER_YEAR / points.length));

  const vs =
    options.benchmark === undefined
      ? { beta: null, correlation: null }
      : versus(returns, dailyReturns(options.benchmark));
  return {
    totalReturn,
    cagr,
    volatility: sd === null ? null : sd * annual,
    sharpe: ratio(meanR, sd) === null ? null : ratio(meanR, sd)! * annual,
    sortino: ratio(meanR, downside) === null ? null : ratio(meanR, downside)! * annual,
    maxDrawdown: dd.depth,
    maxDrawdownPeak: dd.peak,
    maxDrawdownTrough: dd.trough,
    calmar: dd.depth === 0 ? null : ratio(cagr, dd.depth),
    turnover,
    orders: unit.orders ?? 0,
    fees: new D(unit.fees ?? '0').toNumber(),
    bestDay: n === 0 ? null : Math.max(...r),
    worstDay: n === 0 ? null : Math.min(...r),
    ...vs,
  };
};
