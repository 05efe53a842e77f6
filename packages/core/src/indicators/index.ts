/**
 * Indicator kernels of the strategy language. Each kernel works on a whole price series aligned to
 * the session calendar and is computed once per (series, indicator, window).
 *
 * `NaN` in a series means "no value that day". Every maximal run of non-NaN values is treated as
 * an independent series: recursive state restarts at the start of a run and windows never reach
 * across a NaN. `out[t]` uses only the run's values up to and including t.
 */
import { stdevPrice, stdevReturn } from './dispersion.ts';
import { maxDrawdown } from './drawdown.ts';
import { currentPrice, exponentialMovingAveragePrice, movingAveragePrice } from './moving.ts';
import { cumulativeReturn, movingAverageReturn } from './returns.ts';
import { rsi } from './rsi.ts';

export type IndicatorName =
  | 'current-price'
  | 'moving-average-price'
  | 'exponential-moving-average-price'
  | 'rsi'
  | 'cumulative-return'
  | 'moving-average-return'
  | 'stdev-return'
  | 'stdev-price'
  | 'max-drawdown';

export const INDICATOR_NAMES: readonly IndicatorName[] = Object.freeze([
  'current-price',
  'moving-average-price',
  'exponential-moving-average-price',
  'rsi',
  'cumulative-return',
  'moving-average-return',
  'stdev-return',
  'stdev-price',
  'max-drawdown',
] as const);

function checkWindow(name: IndicatorName, window: number): void {
  if (!Number.isSafeInteger(window) || window < 1) {
    throw new RangeError(`${name}: window must be a positive integer, got ${window}`);
  }
}

/** Bars of history (sessions up to and including the as-of day) the indicator needs for a window. */
export function barsNeeded(name: IndicatorName, window: number): number {
  checkWindow(name, window);
  switch (name) {
    case 'current-price':
      return 1;
    case 'moving-average-price':
    case 'exponential-moving-average-price':
    case 'stdev-price':
    case 'max-drawdown':
      return window;
    case 'rsi':
    case 'cumulative-return':
    case 'moving-average-return':
    case 'stdev-return':
      return window + 1;
    default:
      return unknownIndicator(name);
  }
}

/** Whether the indicator is a recursive filter run over all available history (rsi, ema): its value depends on where history starts. */
export function usesFullHistory(name: IndicatorName): boolean {
  return name === 'rsi' || name === 'exponential-moving-average-price';
}

/**
 * out[t] = indicator as of index t.
 *
 * `out[t]` is NaN when `xs[t]` is NaN or when the run containing t holds fewer than
 * `barsNeeded(name, window)` values up to and including t. Throws a RangeError when `window` is
 * not a positive integer (the strategy validator rejects such windows earlier).
 */
export function computeIndicator(name: IndicatorName, xs: Float64Array, window: number): Float64Array {
  checkWindow(name, window);
  switch (name) {
    case 'current-price':
      return currentPrice(xs);
    case 'moving-average-price':
      return movingAveragePrice(xs, window);
    case 'exponential-moving-average-price':
      return exponentialMovingAveragePrice(xs, window);
    case 'rsi':
      return rsi(xs, window);
    case 'cumulative-return':
      return cumulativeReturn(xs, window);
    case 'moving-average-return':
      return movingAverageReturn(xs, window);
    case 'stdev-return':
      return stdevReturn(xs, window);
    case 'stdev-price':
      return stdevPrice(xs, window);
    case 'max-drawdown':
      return maxDrawdown(xs, window);
    default:
      return unknownIndicator(name);
  }
}

function unknownIndicator(name: never): never {
  throw new RangeError(`unknown indicator: ${String(name)}`);
}
