/** Price level indicators: current price, simple and exponential moving averages. */
import { ewmStep, ewmWeights } from './ewm.ts';
import { forEachRun, nanArray } from './runs.ts';
import { allEqual, pairwiseSum } from './sum.ts';

/** `current-price`: the close itself (NaN where there is none). */
export const currentPrice = (xs: Float64Array): Float64Array => xs.slice();

/**
 * Mean of `xs[from..to)`: the window's pairwise sum over its length (numpy's `mean`). A window of
 * equal values returns that value exactly (as pandas' rolling mean does), so a flat series equals
 * its average instead of missing it by an ulp.
 */
export const windowMean = (xs: Float64Array, from: number, to: number): number =>
  allEqual(xs, from, to) ? xs[from]! : pairwiseSum(xs, from, to) / (to - from);

/** Rolling mean of the last `window` values of each run (NaN until a run holds `window` values). */
export function rollingMean(xs: Float64Array, window: number): Float64Array {
  const out = nanArray(xs.length);
  forEachRun(xs, (start, end) => {
    for (let t = start + window - 1; t < end; t++) out[t] = windowMean(xs, t - window + 1, t + 1);
  });
  return out;
}

/** `moving-average-price n`: mean of the last n closes. */
export const movingAveragePrice = (xs: Float64Array, window: number): Float64Array => rollingMean(xs, window);

/**
 * `exponential-moving-average-price n`: pandas `ewm(alpha=2/(n+1), adjust=False).mean()` over the
 * whole run, seeded with the run's first close; reported once the run holds n closes.
 */
export function exponentialMovingAveragePrice(xs: Float64Array, window: number): Float64Array {
  const out = nanArray(xs.length);
  const w = ewmWeights(2 / (window + 1));
  forEachRun(xs, (start, end) => {
    let y = xs[start]!;
    if (window <= 1) out[start] = y;
    for (let t = start + 1; t < end; t++) {
      y = ewmStep(y, xs[t]!, w);
      if (t >= start + window - 1) out[t] = y;
    }
  });
  return out;
}
