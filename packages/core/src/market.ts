/**
 * Market data as the core sees it: daily closes aligned to one session calendar.
 * Adapters (CSV files, Alpaca) produce {@link BarSeries}; {@link PriceHistory} aligns them.
 */
import type { EnsembleError } from './errors.ts';

/** One symbol's daily bars, ascending by date, one per session, no gaps. */
export interface BarSeries {
  readonly symbol: string;
  /** ISO session dates `YYYY-MM-DD`, strictly ascending. */
  readonly dates: readonly string[];
  /** Adjusted closes, same length as `dates`, all > 0. */
  readonly closes: Float64Array;
  /** Highs and lows, same length as `dates`, NaN where the source has none (close-only data). */
  readonly highs?: Float64Array;
  readonly lows?: Float64Array;
}

/** Bars with the reason each refused symbol was refused. */
export interface CheckedBars {
  /** The series of the symbols that could be read. */
  readonly bars: Map<string, BarSeries>;
  /** Why a requested symbol is not in `bars` although the source knows it (malformed, stale, a gap...). */
  readonly problems: Map<string, EnsembleError>;
}

/** Port: where bars come from. Implemented by the CSV loader and Alpaca. */
export interface MarketData {
  /** Bars for each symbol with dates ≤ `to` (all history when `from` is absent). Unknown symbols are absent from the result. */
  loadBars(query: {
    symbols: readonly string[];
    to?: string;
    from?: string;
  }): Promise<Map<string, BarSeries>>;
  /**
   * The same bars, one symbol's failure never failing the others: a symbol the source cannot serve is
   * left out of `bars` with its reason in `problems`. Optional; without it a malformed symbol fails the
   * whole `loadBars`.
   */
  loadBarsChecked?(query: { symbols: readonly string[]; to?: string; from?: string }): Promise<CheckedBars>;
}
