/**
 * Whether one symbol's bars are fit to trade on as of a trading day — the one check both data paths
 * (bundled or `--data` CSV files, Alpaca's bars) pass through before a strategy reads them, so that a
 * strategy is BLOCKED with the true reason rather than trading on a bad number or failing on a misleading
 * one (pure; the NYSE calendar is core's).
 *
 * In order, the first that applies:
 *  - `missing`: no bar on or before the day;
 *  - `invalid`: a close that is not a finite number above zero;
 *  - `gap`: a session of the calendar with no bar between two bars (an indicator over it would read a hole);
 *  - `stale`: the last bar is before the day;
 *  - `suspect` (the day's bar, the one that is traded on): a close below 0.0001, a close outside the day's
 *    high–low, or a move from the previous close beyond `priceMoveMaxRanges` times the symbol's recent
 *    average true range (at least 1 %).
 */
import { nextSession, sessionPosition } from './calendar/nyse.ts';
import type { BarSeries } from './market.ts';
import type { RailSettings } from './rails.ts';

/** What is wrong with a symbol's bars. */
export interface BarProblem {
  readonly kind: 'missing' | 'invalid' | 'gap' | 'stale' | 'suspect';
  /** One sentence for the report: `gap: no bar on 2025-11-20 (between 2025-11-19 and 2025-11-21)`. */
  readonly detail: string;
}

/** The settings of the price-sanity check (from the rails). */
export type PriceSanitySettings = Pick<RailSettings, 'priceMoveMaxRanges' | 'priceRangeSessions'>;

/** A close below this is not a price (a unit error, a placeholder). */
export const MIN_BELIEVABLE_PRICE = 0.0001;
/** The recent range is taken as at least this fraction (a flat, illiquid series would flag any move). */
const RANGE_FLOOR = 0.01;
/** Fewest earlier sessions the range needs; with fewer (a new listing) the move is not judged. */
const MIN_RANGE_SESSIONS = 5;

const fmt = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(8))) : String(x));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The problem of `series` as of `tradingDay` (see the module comment), or null when it is fit. */
export const barProblem = (
  series: BarSeries | undefined,
  tradingDay: string,
  settings: PriceSanitySettings,
): BarProblem | null => {
  if (!series) return { kind: 'missing', detail: 'no bars' };
  let last = series.dates.length - 1;
  while (last >= 0 && series.dates[last]! > tradingDay) last--;
  if (last < 0) return { kind: 'missing', detail: `no bar on or before ${tradingDay}` };
  const { dates, closes } = series;
  for (let k = 0; k <= last; k++) {
    const c = closes[k]!;
    if (!Number.isFinite(c) || c <= 0)
      return { kind: 'invalid', detail: `close ${fmt(c)} on ${dates[k]} is not a price` };
  }
  for (let k = 1; k <= last; k++) {
    const a = sessionPosition(dates[k - 1]!);
    const b = sessionPosition(dates[k]!);
    // Dates outside the calendar's range, or not sessions of it, are not judged here (the source's own).
    if (a === undefined || b === undefined || b === a + 1) continue;
    if (b > a + 1) {
      const missing = nextSession(dates[k - 1]!);
      const more = b - a - 2 > 0 ? ` and ${b - a - 2} more` : '';
      return {
        kind: 'gap',
        detail: `no bar on ${missing}${more} (between ${dates[k - 1]} and ${dates[k]})`,
      };
    }
  }
  if (dates[last] !== tradingDay) return { kind: 'stale', detail: `last bar ${dates[last]}` };
  return suspectPrice(series, last, settings);
};

/** The `suspect` checks of bar `k` (the trading day's). */
const suspectPrice = (series: BarSeries, k: number, settings: PriceSanitySettings): BarProblem | null => {
  const day = series.dates[k]!;
  const close = series.closes[k]!;
  const suspect = (detail: string): BarProblem => ({ kind: 'suspect', detail });
  if (close < MIN_BELIEVABLE_PRICE) return suspect(`close ${fmt(close)} on ${day} is not a believable price`);
  const high = series.highs?.[k] ?? Number.NaN;
  const low = series.lows?.[k] ?? Number.NaN;
  if (
    Number.isFinite(high) &&
    Number.isFinite(low) &&
    (close > high * (1 + 1e-6) || close < low * (1 - 1e-6))
  )
    return suspect(`close ${fmt(close)} on ${day} is outside the day's range ${fmt(low)}–${fmt(high)}`);
  const sessions = Math.min(settings.priceRangeSessions, k - 1);
  if (sessions < MIN_RANGE_SESSIONS) return null;
  let sum = 0;
  for (let j = k - sessions; j < k; j++) sum += trueRange(series, j);
  const range = Math.max(sum / sessions, RANGE_FLOOR);
  const previous = series.closes[k - 1]!;
  const move = Math.abs(Math.log(close / previous));
  if (move <= settings.priceMoveMaxRanges * range) return null;
  return suspect(
    `close ${fmt(close)} on ${day} after ${fmt(previous)} (${close > previous ? '+' : ''}${pct(close / previous - 1)}) ` +
      `moved ${(move / range).toFixed(0)} times the ${sessions}-session average range of ${pct(range)} ` +
      `(limit ${settings.priceMoveMaxRanges}: rails.priceMoveMaxRanges)`,
  );
};

/** Bar `j`'s true range as a fraction of the previous close (close-to-close when there is no high–low). */
const trueRange = (series: BarSeries, j: number): number => {
  const previous = series.closes[j - 1]!;
  const close = series.closes[j]!;
  const high = series.highs?.[j] ?? Number.NaN;
  const low = series.lows?.[j] ?? Number.NaN;
  const closeMove = Math.abs(close / previous - 1);
  if (!Number.isFinite(high) || !Number.isFinite(low)) return closeMove;
  return Math.max((Math.max(high, previous) - Math.min(low, previous)) / previous, closeMove);
};
