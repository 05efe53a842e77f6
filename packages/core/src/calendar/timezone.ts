/**
 * America/New_York wall-clock time ↔ UTC instants, without a time-zone database: US daylight saving time
 * (since 2007) runs from the second Sunday of March, 02:00 local, to the first Sunday of November, 02:00
 * local. EST is UTC−5, EDT is UTC−4.
 */
import { remembered } from '../memo.ts';
import { nthWeekday } from './dates.ts';

const HOUR_MS = 3_600_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** Joins a date and a time into one key (a character neither can contain). */
const SEP = '\u0000';

/**
 * UTC instants at which DST starts (07:00Z = 02:00 EST) and ends (06:00Z = 02:00 EDT) in `year`; computed
 * once per year (every instant read in New York asks for them).
 */
const dstBounds = remembered((year: number): { readonly start: number; readonly end: number } => ({
  start: Date.parse(`${nthWeekday(year, 3, 0, 2)}T07:00:00Z`),
  end: Date.parse(`${nthWeekday(year, 11, 0, 1)}T06:00:00Z`),
}));

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
export const newYorkToUtc = (date: string, time: string): Date =>
  new Date(utcOfNewYork(`${date}${SEP}${time}`));

/**
 * {@link newYorkToUtc}'s instant (ms) of a date and time, remembered: a run asks for the same session opens
 * and closes thousands of times.
 */
const utcOfNewYork = remembered((key: string): number => {
  const at = key.indexOf(SEP);
  const date = key.slice(0, at);
  const time = key.slice(at + 1);
  const m = HH_MM.exec(time);
  if (!m) throw new RangeError(`not a wall-clock time HH:MM: ${time}`);
  const asUtc = Date.parse(`${date}T${time}:00Z`);
  if (Number.isNaN(asUtc)) throw new RangeError(`not an ISO date: ${date}`);
  const standard = asUtc + 5 * HOUR_MS;
  const daylight = asUtc + 4 * HOUR_MS;
  return newYorkOffsetHours(new Date(daylight)) === -4 ? daylight : standard;
});

/** The New York calendar date (`YYYY-MM-DD`) of an instant. */
export const newYorkDate = (instant: Date): string => toNewYork(instant).date;

/** The New York calendar date (`YYYY-MM-DD`) and wall-clock time (`HH:MM:SS`) of an instant. */
export const toNewYork = (instant: Date): { readonly date: string; readonly time: string } =>
  newYorkOfUtc(instant.getTime());

/** {@link toNewYork} by instant (ms), remembered: a run reads the same few instants thousands of times. */
const newYorkOfUtc = remembered((t: number): { readonly date: string; readonly time: string } => {
  if (Number.isNaN(t)) throw new RangeError('invalid instant');
  const instant = new Date(t);
  const local = new Date(t + newYorkOffsetHours(instant) * HOUR_MS).toISOString();
  return Object.freeze({ date: local.slice(0, 10), time: local.slice(11, 19) });
});
