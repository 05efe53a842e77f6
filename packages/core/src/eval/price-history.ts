/**
 * One snapshot of market data: every symbol's closes aligned to a single session calendar (the union of
 * all sessions present), plus a per-snapshot cache of indicator series. Evaluations that share a snapshot
 * share its indicator work; nothing is cached at module level.
 */
import { MarketDataInvalidError } from '../errors.ts';
import type { IndicatorName } from '../indicators/index.ts';
import { IndicatorSeries } from '../indicators/series.ts';
import type { BarSeries } from '../market.ts';

interface Aligned {
  readonly closes: Float64Array;
  /** Index of the first and last session with a bar. */
  readonly first: number;
  readonly last: number;
}

export class PriceHistory {
  /** Session dates, ascending. */
  readonly dates: readonly string[];
  private readonly bySymbol = new Map<string, Aligned>();
  private readonly indicatorCache = new Map<string, IndicatorSeries>();

  private constructor(dates: readonly string[]) {
    this.dates = dates;
  }

  /** Align series to the union of their sessions. A missing session inside a series stays NaN. */
  static fromSeries(series: Iterable<BarSeries>): PriceHistory {
    const all = [...series];
    const dateSet = new Set<string>();
    for (const s of all) for (const d of s.dates) dateSet.add(d);
    const dates = [...dateSet].sort();
    const index = new Map(dates.map((d, i) => [d, i] as const));
    const history = new PriceHistory(dates);
    for (const s of all) {
      if (s.dates.length !== s.closes.length) {
        throw new MarketDataInvalidError(
          `${s.symbol}: ${s.dates.length} dates but ${s.closes.length} closes`,
          s.symbol,
        );
      }
      const closes = new Float64Array(dates.length).fill(Number.NaN);
      let first = -1;
      let last = -1;
      for (let k = 0; k < s.dates.length; k++) {
        const i = index.get(s.dates[k]!)!;
        closes[i] = s.closes[k]!;
        if (first < 0) first = i;
        last = i;
      }
      if (first >= 0) history.bySymbol.set(s.symbol, { closes, first, last });
    }
    return history;
  }

  get length(): number {
    return this.dates.length;
  }

  has(symbol: string): boolean {
    return this.bySymbol.has(symbol);
  }

  symbols(): string[] {
    return [...this.bySymbol.keys()];
  }

  /** Aligned closes (NaN where the symbol has no bar), or undefined for an unknown symbol. */
  closes(symbol: string): Float64Array | undefined {
    return this.bySymbol.get(symbol)?.closes;
  }

  /** First and last session index with a bar, or undefined for an unknown symbol. */
  span(symbol: string): { readonly first: number; readonly last: number } | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Index of the last session on or before `date` (ISO), or -1 when `date` precedes all data. */
  indexOnOrBefore(date: string): number {
    let lo = 0;
    let hi = this.dates.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.dates[mid]! <= date) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The indicator series of a symbol, computed once per snapshot. Undefined for an unknown symbol. */
  indicator(symbol: string, name: IndicatorName, window: number): Float64Array | undefined {
    return this.series(symbol, name, window)?.all();
  }

  /**
   * The same series read one session at a time (rolling windows computed on first read), shared with
   * {@link indicator}. Undefined for an unknown symbol.
   */
  series(symbol: string, name: IndicatorName, window: number): IndicatorSeries | undefined {
    const closes = this.closes(symbol);
    if (!closes) return undefined;
    const key = `${symbol}|${name}|${window}`;
    let series = this.indicatorCache.get(key);
    if (!series) {
      series = IndicatorSeries.of(name, closes, window);
      this.indicatorCache.set(key, series);
    }
    return series;
  }

  /** A copy of this snapshot holding only sessions up to and including index `end`. */
  truncate(end: number): PriceHistory {
    const history = new PriceHistory(this.dates.slice(0, end + 1));
    for (const [symbol, a] of this.bySymbol) {
      if (a.first > end) continue;
      history.bySymbol.set(symbol, {
        closes: a.closes.slice(0, end + 1),
        first: a.first,
        last: Math.min(a.last, end),
      });
    }
    return history;
  }
}
