/** Return indicators, in percent (5 means 5 %). */
import { rollingMean } from './moving.ts';
import { forEachRun, nanArray } from './runs.ts';

/**
 * Daily returns in percent, `(c[t] / c[t−1] − 1) × 100` (pandas `pct_change() * 100`); NaN on the
 * first day of each run, so the runs of the result are the runs of `xs` less their first day.
 */
export function dailyReturns(xs: Float64Array): Float64Array {
  const out = nanArray(xs.length);
  forEachRun(xs, (start, end) => {
    for (let t = start + 1; t < end; t++) out[t] = (xs[t]! / xs[t - 1]! - 1) * 100;
  });
  return out;
}

/** `cumulative-return n`: `(c[t] / c[t−n] − 1) × 100`, once the run holds n + 1 closes. */
export function cumulativeReturn(xs: Float64Array, window: number): Float64Array {
  const out = nanArray(xs.length);
  forEachRun(xs, (start, end) => {
    for (let t = start + window; t < end; t++) out[t] = (xs[t]! / xs[t - window]! - 1) * 100;
  });
  return out;
}

/** `moving-average-return n`: mean of the last n daily returns (needs n + 1 closes). */
export const movingAverageReturn = (xs: Float64Array, window: number): Float64Array =>
  rollingMean(dailyReturns(xs), window);
