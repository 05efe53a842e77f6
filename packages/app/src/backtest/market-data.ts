/**
 * The backtest's market data: every bar loaded once, then served by date with a binary search. Once a day's
 * signals are recorded (range mode), the steps need only the prices of that day (planning, execution,
 * NAVs) and whether each symbol has a bar on it (the snapshot's `problems`): a query without `from` gets
 * each symbol's last bar on or before `to` — the bar the snapshot prices and checks — instead of its whole
 * history. On a day where some strategy's Evaluate must run (range mode gave it no weights), `fullHistoryOn`
 * says so and the day's queries get the whole history, as a live day's snapshot has it. Either way no bar
 * after `to` is ever served.
 */
import type { BarSeries, MarketData } from '@ensemble/core';

/** Index of the last date ≤ `day` in ascending `dates` (−1 when none). */
export const lastOnOrBefore = (dates: readonly string[], day: string): number => {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
};

/** Index of the first date ≥ `day` in ascending `dates` (`dates.length` when none). */
const firstOnOrAfter = (dates: readonly string[], day: string): number => {
  const k = lastOnOrBefore(dates, day);
  return k >= 0 && dates[k] === day ? k : k + 1;
};

/** Options of {@link createSessionMarketData}. */
export interface SessionMarketDataOptions {
  /** True on days whose queries get the whole history (an Evaluate runs on the day's snapshot). */
  readonly fullHistoryOn: (day: string) => boolean;
}

/** {@link MarketData} over `bars` (see the module comment). Symbols without bars are absent, as ever. */
export const createSessionMarketData = (
  bars: ReadonlyMap<string, BarSeries>,
  options: SessionMarketDataOptions,
): MarketData => ({
  async loadBars(query) {
    const out = new Map<string, BarSeries>();
    const window = query.from === undefined && query.to !== undefined && !options.fullHistoryOn(query.to);
    for (const symbol of new Set(query.symbols)) {
      const s = bars.get(symbol);
      if (!s) continue;
      const hi = query.to === undefined ? s.dates.length : lastOnOrBefore(s.dates, query.to) + 1;
      const lo = window
        ? Math.max(0, hi - 1)
        : query.from === undefined
          ? 0
          : firstOnOrAfter(s.dates, query.from);
      const from = Math.min(lo, hi);
      out.set(symbol, { symbol, dates: s.dates.slice(from, hi), closes: s.closes.slice(from, hi) });
    }
    return out;
  },
});
