/**
 * Calendar-date arithmetic on ISO `YYYY-MM-DD` strings (proleptic Gregorian, no time zone involved).
 * Internally a date is its day number since 1970-01-01, computed with UTC `Date` math.
 */
import { remembered } from '../memo.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True when `s` is a real calendar date written `YYYY-MM-DD`. */
export const isIsoDate = (s: string): boolean => {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1;
};

/**
 * Day number (days since 1970-01-01) of an ISO date; throws on a malformed one. Remembered: a run asks for the
 * same few hundred dates thousands of times (every calendar question goes through them).
 */
export const dayNumber: (date: string) => number = remembered((date: string) => {
  if (!isIsoDate(date)) throw new RangeError(`not an ISO date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
});

/** ISO date of a day number (remembered, as {@link dayNumber}). */
export const fromDayNumber: (n: number) => string = remembered((n: number) =>
  new Date(n * DAY_MS).toISOString().slice(0, 10),
);

/** ISO date of year/month (1-12)/day. */
export const ymd = (year: number, month: number, day: number): string =>
  fromDayNumber(Date.UTC(year, month - 1, day) / DAY_MS);

/** `date` plus `days` (may be negative). */
export const addDays = (date: string, days: number): string => fromDayNumber(dayNumber(date) + days);

/** Day of week, 0 = Sunday … 6 = Saturday. */
export const weekday = (date: string): number => new Date(dayNumber(date) * DAY_MS).getUTCDay();

/** The `n`-th (1-based) `dow` weekday of a month; `n = -1` is the last one. */
export const nthWeekday = (year: number, month: number, dow: number, n: number): string => {
  if (n > 0) {
    const first = ymd(year, month, 1);
    const offset = (dow - weekday(first) + 7) % 7;
    return addDays(first, offset + (n - 1) * 7);
  }
  const last = addDays(ymd(year, month + 1, 1), -1);
  return addDays(last, -((weekday(last) - dow + 7) % 7));
};

/** Easter Sunday of a year (anonymous Gregorian algorithm). */
export const easterSunday = (year: number): string => {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(year, month, day);
};
