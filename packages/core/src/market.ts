/**
 * Market data as the core sees it: daily closes aligned to one session calendar.
 * Adapters (CSV files, Alpaca) produce {@link BarSeries}; {@link PriceHistory} aligns them.
 */

/** One symbol's daily bars, ascending by date, one per session, no gaps. */
export interface BarSeries {
  readonly symbol: string;
  /** ISO session dates `YYYY-MM-DD`, strictly ascending. */
  readonly dates: readonly string[];
  /** Adjusted closes, same length as `dates`, all > 0. */
  readonly closes: Float64Array;
}

/** Port: where bars come from. Implemented by the CSV loader and (later) Alpaca. */
export interface MarketData {
  /** Bars for each symbol with dates ≤ `to` (all history when `from` is absent). Unknown symbols are absent from the result. */
  loadBars(query: {
    symbols: readonly string[];
    to?: string;
    from?: string;
  }): Promise<Map<string, BarSeries>>;
}
