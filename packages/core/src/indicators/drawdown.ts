/** Maximum drawdown within a trailing window, in percent. */
import { forEachRun, nanArray } from './runs.ts';

/**
 * Largest `(1 − c[s] / peak_s) × 100` over `xs[from..to)`, where `peak_s` is the highest close
 * from `from` up to s. Never negative (0 when the window never falls below its running peak).
 */
export function windowMaxDrawdown(xs: Float64Array, from: number, to: number): number {
  let peak = xs[from]!;
  let worst = 0;
  for (let i = from + 1; i < to; i++) {
    const x = xs[i]!;
    if (x >= peak) {
      peak = x;
    } else {
      const drawdown = 1 - x / peak;
      if (drawdown > worst) worst = drawdown;
    }
  }
  // Scaling by 100 after taking the maximum gives the same double as taking the maximum of scaled values.
  return worst * 100;
}

/** `max-drawdown n`: the maximum drawdown over the last n closes (NaN until a run holds n closes). */
export function maxDrawdown(xs: Float64Array, window: number): Float64Array {
  const out = nanArray(xs.length);
  forEachRun(xs, (start, end) => {
    for (let t = start + window - 1; t < end; t++) out[t] = windowMaxDrawdown(xs, t - window + 1, t + 1);
  });
  return out;
}
