/** Wilder's relative strength index, as the reference engine computes it with pandas. */
import { ewmStep, ewmWeights } from './ewm.ts';
import { forEachRun, nanArray } from './runs.ts';

/** RSI from the smoothed gain and loss: 100 when there is no loss, 50 when nothing moved. */
export function rsiFromAverages(avgGain: number, avgLoss: number): number {
  if (avgLoss === 0) return avgGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + avgGain / avgLoss);
}

/**
 * `rsi n`: deltas `c_t − c_{t−1}` (the run's first delta counts as 0), gains and losses each
 * smoothed by pandas `ewm(alpha=1/n, adjust=False).mean()` seeded with that 0, over the whole
 * run. Reported once the run holds n + 1 closes.
 */
export function rsi(xs: Float64Array, window: number): Float64Array {
  const out = nanArray(xs.length);
  const w = ewmWeights(1 / window);
  forEachRun(xs, (start, end) => {
    let avgGain = 0;
    let avgLoss = 0;
    for (let t = start + 1; t < end; t++) {
      const d = xs[t]! - xs[t - 1]!;
      avgGain = ewmStep(avgGain, Math.max(d, 0), w);
      avgLoss = ewmStep(avgLoss, Math.max(-d, 0), w);
      if (t >= start + window) out[t] = rsiFromAverages(avgGain, avgLoss);
    }
  });
  return out;
}
