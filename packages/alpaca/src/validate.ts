/**
 * The checks every symbol's bars pass before a strategy may see them (pure): dates are sessions of the
 * calendar, strictly ascending, with no session missing between the first and the last bar; every price is
 * finite and > 0; the last bar is the expected session (else the data is stale). A failing symbol gets a
 * typed error naming it, and is left out of the snapshot, so only the strategies that use it are BLOCKED.
 */
import { type BarSeries, type EnsembleError, MarketDataInvalidError, MissingDataError } from '@ensemble/core';

/** One daily bar, already in Ensemble's terms (New York session date, adjusted prices). */
export interface DailyBar {
  readonly date: string;
  readonly close: number;
  readonly open?: number | null;
  readonly high?: number | null;
  readonly low?: number | null;
}

/**
 * Validates one symbol's bars against `sessions` (ascending session dates covering the window) and the
 * session the last bar must fall on. Bars after `expectedLast` are ignored (never look ahead).
 */
export const validateDailyBars = (
  symbol: string,
  bars: readonly DailyBar[],
  sessions: readonly string[],
  expectedLast: string,
): BarSeries | EnsembleError => {
  const invalid = (detail: string) => new MarketDataInvalidError(`${symbol}: ${detail}`, symbol);
  const used = bars.filter((b) => b.date <= expectedLast);
  if (used.length === 0) return new MissingDataError(symbol, expectedLast, 'no bars in the window');
  const index = new Map(sessions.map((d, i) => [d, i] as const));
  let prev = -1;
  for (const b of used) {
    for (const [field, v] of [
      ['close', b.close],
      ['open', b.open],
      ['high', b.high],
      ['low', b.low],
    ] as const) {
      if (v === undefined || v === null) continue;
      if (!Number.isFinite(v) || v <= 0) return invalid(`${field} ${v} on ${b.date} is not a positive price`);
    }
    const i = index.get(b.date);
    if (i === undefined) return invalid(`bar on ${b.date}, which is not a session of the calendar`);
    if (i <= prev) return invalid(`bar on ${b.date} is out of order or repeated`);
    if (prev >= 0 && i !== prev + 1) {
      const missing = sessions.slice(prev + 1, i);
      return invalid(
        `${missing.length} session(s) missing between ${sessions[prev]} and ${b.date} (first: ${missing[0]})`,
      );
    }
    prev = i;
  }
  const last = used[used.length - 1]!.date;
  if (last !== expectedLast) {
    return new MissingDataError(
      symbol,
      expectedLast,
      `stale data: last bar ${last}, expected ${expectedLast}`,
    );
  }
  return {
    symbol,
    dates: used.map((b) => b.date),
    closes: Float64Array.from(used, (b) => b.close),
    highs: Float64Array.from(used, (b) => b.high ?? Number.NaN),
    lows: Float64Array.from(used, (b) => b.low ?? Number.NaN),
  };
};
