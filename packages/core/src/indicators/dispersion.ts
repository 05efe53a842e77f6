/** Standard deviations of closes and of daily returns. */
import { dailyReturns } from './returns.ts';
import { forEachRun, nanArray } from './runs.ts';
import { allEqual, pairwiseSum, pairwiseSumSquaredDeviations } from './sum.ts';

/**
 * Two-pass standard deviation of `xs[from..to)` with `ddof` delta degrees of freedom, in numpy's
 * order of operations (`np.std`): mean = pairwise sum / count, then the pairwise sum of squared
 * deviations / (count − ddof), then the square root. A window of equal values gives exactly 0 (as
 * pandas' rolling std does); NaN when `count − ddof ≤ 0`.
 */
export function windowStdev(xs: Float64Array, from: number, to: number, ddof: number): number {
  const dof = to - from - ddof;
  if (dof <= 0) return Number.NaN;
  if (allEqual(xs, from, to)) return 0;
  const mean = pairwiseSum(xs, from, to) / (to - from);
  return Math.sqrt(pairwiseSumSquaredDeviations(xs, from, to, mean) / dof);
}

/** Rolling standard deviation of the last `window` values of each run (NaN until a run holds `window`). */
function rollingStdev(xs: Float64Array, window: number, ddof: number): Float64Array {
  const out = nanArray(xs.length);
  forEachRun(xs, (start, end) => {
    for (let t = start + window - 1; t < end; t++) out[t] = windowStdev(xs, t - window + 1, t + 1, ddof);
  });
  return out;
}

/** `stdev-price n`: sample standard deviation (ddof 1) of the last n closes; NaN for n = 1. */
export const stdevPrice = (xs: Float64Array, window: number): Float64Array => rollingStdev(xs, window, 1);

/** `stdev-return n`: population standard deviation (ddof 0) of the last n daily returns, in percent, not annualised. */
export const stdevReturn = (xs: Float64Array, window: number): Float64Array =>
  rollingStdev(dailyReturns(xs), window, 0);
