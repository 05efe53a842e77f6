/**
 * America/New_York wall-clock time ↔ UTC instants, without a time-zone database: US daylight saving time
 * (since 2007) runs from the second Sunday of March, 02:00 local, to the first Sunday of November, 02:00
 * local. EST is UTC−5, EDT is UTC−4.
 */
import { nthWeekday } from './dates.ts';

const HOUR_MS = 3_600_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Conversions already made, both ways (pure functions of their arguments; a run asks for the same session
 * opens and closes, and reads the same few instants, thousands of times). Emptied should they grow large.
 */
const utcOfNewYork = new Map<string, number>();
const newYorkOfUtc = new Map<number, { readonly date: string; readonly time: string }>();
const MEMO_LIMIT = 100_000;

const dstCache = new Map<number, { readonly start: number; readonly end: number }>();

/**
 * UTC instants at which DST starts (07:00Z = 02:00 EST) and ends (06:00Z = 02:00 EDT) in `year`; computed
 * once per year (every instant read in New York asks for them).
 */
const dstBounds = (year: number): { readonly start: number; readonly end: number } => {
  let bounds = dstCache.get(year);
  if (!bounds) {
    bounds = {
      start: Date.parse(`${nthWeekday(year, 3, 0, 2)}T07:00:00Z`),
      end: Date.parse(`${nthWeekday(year, 11, 0, 1)}T06:00:00Z`),
    };
    dstCache.set(year, bounds);
  }
  return bounds;
};

/** UTC offset of New York at an instant, in hours (−4 in summer, −5 in winter). */
export const newYorkOffsetHours = (instant: Date): number => {
  const { start, end } = dstBounds(instant.getUTCFullYear());
  const t = instant.getTime();
  return t >= start && t < end ? -4 : -5;
};

/**
 * The UTC instant of a New York wall-clock time (`HH:MM`) on `date`. A time in the hour skipped in spring
 * is read as standard time, one in the hour repeated in fall as daylight time (trading times never fall
 * there).
 */
export const newYorkToUtc = (date: string, time: string): Date => {
  const key = `${date} ${time}`;
  let t = utcOfNewYork.get(key);
  if (t === undefined) {
    const m = HH_MM.exec(time);
    if (!m) throw new RangeError(`not a wall-clock time HH:MM: ${time}`);
    const asUtc = Date.parse(`${date}T${time}:00Z`);
    if (Number.isNaN(asUtc)) throw new RangeError(`not an ISO date: ${date}`);
    const standard = asUtc + 5 * HOUR_MS;
    const daylight = asUtc + 4 * HOUR_MS;
    t = newYorkOffsetHours(new Date(daylight)) === -4 ? daylight : standard;
    if (utcOfNewYork.size >= MEMO_LIMIT) utcOfNewYork.clear();
    utcOfNewYork.set(key, t);
  }
  return new Date(t);
};

/** The New York calendar date (`YYYY-MM-DD`) and wall-clock time (`HH:MM:SS`) of an instant. */
/** The New York calendar date (`YYYY-MM-DD`) of an instant. */
export const newYorkDate = (instant: Date): string => toNewYork(instant).date;

export const toNewYork = (instant: Date): { readonly date: string; readonly time: string } => {
  const t = instant.getTime();
  const known = newYorkOfUtc.get(t);
  if (known !== undefined) return known;
  if (Number.isNaN(t)) throw new RangeError('invalid instant');
  const local = new Date(t + newYorkOffsetHours(instant) * HOUR_MS).toISOString();
  const wall = Object.freeze({ date: local.slice(0, 10), time: local.slice(11, 19) });
  if (newYorkOfUtc.size >= MEMO_LIMIT) newYorkOfUtc.clear();
  newYorkOfUtc.set(t, wall);
  return wall;
};
