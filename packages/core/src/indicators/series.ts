/**
 * Indicator series read one session at a time. An evaluation reads a rolling-window indicator on only
 * some sessions (for ftl_starburst about a quarter of the window work of whole series), so those values
 * are computed on first read, each exactly as the whole-series kernel computes it; recursive and O(1)
 * indicators are computed whole up front.
 */
import { windowStdev } from './dispersion.ts';
import { windowMaxDrawdown } from './drawdown.ts';
import { barsNeeded, computeIndicator, type IndicatorName } from './index.ts';
import { windowMean } from './moving.ts';
import { dailyReturns } from './returns.ts';

/** How a rolling indicator computes one window (a switch rather than a callback, so V8 can inline it). */
type WindowKind = 0 | 1 | 2 | 3;
const MEAN = 0;
const SAMPLE_STDEV = 1;
const POPULATION_STDEV = 2;
const MAX_DRAWDOWN = 3;

/** The rolling-window indicators: the series their windows run over, and the window function. */
function rollingForm(name: IndicatorName): { returns: boolean; kind: WindowKind } | undefined {
  switch (name) {
    case 'moving-average-price':
      return { returns: false, kind: MEAN };
    case 'stdev-price':
      return { returns: false, kind: SAMPLE_STDEV };
    case 'max-drawdown':
      return { returns: false, kind: MAX_DRAWDOWN };
    case 'moving-average-return':
      return { returns: true, kind: MEAN };
    case 'stdev-return':
      return { returns: true, kind: POPULATION_STDEV };
    default:
      return undefined;
  }
}

export class IndicatorSeries {
  /** 1 where `values[t]` is final (only for lazily computed series). */
  private readonly computed: Uint8Array | null;
  /** Start of the run of non-NaN values containing t, or −1 where `base[t]` is NaN. */
  private readonly runStart: Int32Array | null;

  private constructor(
    private readonly values: Float64Array,
    private readonly base: Float64Array | null,
    private readonly window: number,
    private readonly kind: WindowKind,
  ) {
    if (base === null) {
      this.computed = null;
      this.runStart = null;
      return;
    }
    this.computed = new Uint8Array(base.length);
    const starts = new Int32Array(base.length);
    let start = -1;
    for (let t = 0; t < base.length; t++) {
      if (Number.isNaN(base[t]!)) start = -1;
      else if (start < 0) start = t;
      starts[t] = start;
    }
    this.runStart = starts;
  }

  /**
   * `name` of `xs` with `window`: the values of {@link computeIndicator}, rolling windows computed when
   * first read.
   */
  static of(name: IndicatorName, xs: Float64Array, window: number): IndicatorSeries {
    const form = rollingForm(name);
    if (!form) return new IndicatorSeries(computeIndicator(name, xs, window), null, window, MEAN);
    barsNeeded(name, window); // the RangeError of an invalid window, as computeIndicator throws it
    const base = form.returns ? dailyReturns(xs) : xs;
    return new IndicatorSeries(new Float64Array(xs.length), base, window, form.kind);
  }

  get length(): number {
    return this.values.length;
  }

  /** The value on session t (NaN: none). */
  at(t: number): number {
    const computed = this.computed;
    if (computed === null || computed[t] === 1) return this.values[t]!;
    const v = this.compute(t);
    this.values[t] = v;
    computed[t] = 1;
    return v;
  }

  /** Every value (computing the ones not read yet); the array is owned by the series. */
  all(): Float64Array {
    if (this.computed !== null) for (let t = 0; t < this.values.length; t++) this.at(t);
    return this.values;
  }

  /** As the rolling kernels: the window ending at t, once t's run holds `window` values. */
  private compute(t: number): number {
    const start = this.runStart![t]!;
    const w = this.window;
    if (start < 0 || t - start + 1 < w) return Number.NaN;
    const xs = this.base!;
    const from = t - w + 1;
    switch (this.kind) {
      case MEAN:
        return windowMean(xs, from, t + 1);
      case SAMPLE_STDEV:
        return windowStdev(xs, from, t + 1, 1);
      case POPULATION_STDEV:
        return windowStdev(xs, from, t + 1, 0);
      case MAX_DRAWDOWN:
        return windowMaxDrawdown(xs, from, t + 1);
    }
  }
}
