/**
 * The NYSE trading calendar by rule: full-day holidays with their weekend observance, special closures,
 * and 13:00 early closes. Pure; valid for {@link NYSE_CALENDAR_RANGE}, outside which every function throws
 * `MarketClosedError` ("calendar unknown": never assume open).
 *
 * Rules (NYSE Rule 7.2): a holiday on Saturday is observed on Friday, one on Sunday on Monday, except
 * New Year's Day on a Saturday, which is not observed at all (the market stays open on Dec 31). Juneteenth
 * is a holiday from 2022. Early closes at 13:00: July 3 when it is Monday–Thursday, the day after
 * Thanksgiving, and Christmas Eve when it is Monday–Thursday.
 */

import { MarketClosedError } from '../broker/errors.ts';
import type { CalendarDay } from '../broker/port.ts';
import { addDays, easterSunday, isIsoDate, nthWeekday, weekday, ymd } from './dates.ts';

/** First and last date the calendar knows (inclusive). */
export const NYSE_CALENDAR_RANGE = { from: '2010-01-01', to: '2035-12-31' } as const;

/** Regular session hours, New York wall clock. */
export const REGULAR_OPEN = '09:30';
export const REGULAR_CLOSE = '16:00';
/** Close on an early-close day. */
export const EARLY_CLOSE = '13:00';

/** Unscheduled full-day closures (national days of mourning, weather). */
export const SPECIAL_CLOSURES: Readonly<Record<string, string>> = {
  '2012-10-29': 'Hurricane Sandy',
  '2012-10-30': 'Hurricane Sandy',
  '2018-12-05': 'National Day of Mourning for President George H. W. Bush',
  '2025-01-09': 'National Day of Mourning for President Jimmy Carter',
};

/** A market holiday: the date the market is closed and why. */
export interface Holiday {
  readonly date: string;
  readonly name: string;
}

/** Saturday → Friday, Sunday → Monday. */
const observed = (date: string): string => {
  const dow = weekday(date);
  return dow === 6 ? addDays(date, -1) : dow === 0 ? addDays(date, 1) : date;
};

const holidayCache = new Map<number, Map<string, string>>();
const earlyCloseCache = new Map<number, Set<string>>();

const holidayMap = (year: number): Map<string, string> => {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const out = new Map<string, string>();
  const newYear = ymd(year, 1, 1);
  if (weekday(newYear) !== 6) out.set(observed(newYear), "New Year's Day");
  out.set(nthWeekday(year, 1, 1, 3), 'Martin Luther King Jr. Day');
  out.set(nthWeekday(year, 2, 1, 3), "Washington's Birthday");
  out.set(addDays(easterSunday(year), -2), 'Good Friday');
  out.set(nthWeekday(year, 5, 1, -1), 'Memorial Day');
  if (year >= 2022) out.set(observed(ymd(year, 6, 19)), 'Juneteenth National Independence Day');
  out.set(observed(ymd(year, 7, 4)), 'Independence Day');
  out.set(nthWeekday(year, 9, 1, 1), 'Labor Day');
  out.set(nthWeekday(year, 11, 4, 4), 'Thanksgiving Day');
  out.set(observed(ymd(year, 12, 25)), 'Christmas Day');
  for (const [date, name] of Object.entries(SPECIAL_CLOSURES))
    if (date.startsWith(`${year}-`)) out.set(date, name);
  holidayCache.set(year, out);
  return out;
};

const earlyCloses = (year: number): Set<string> => {
  const cached = earlyCloseCache.get(year);
  if (cached) return cached;
  const out = new Set<string>();
  const july3 = ymd(year, 7, 3);
  if (weekday(july3) >= 1 && weekday(july3) <= 4) out.add(july3);
  out.add(addDays(nthWeekday(year, 11, 4, 4), 1));
  const christmasEve = ymd(year, 12, 24);
  if (weekday(christmasEve) >= 1 && weekday(christmasEve) <= 4) out.add(christmasEve);
  earlyCloseCache.set(year, out);
  return out;
};

/** Throws unless `date` is an ISO date inside {@link NYSE_CALENDAR_RANGE}. */
export const assertKnownDate = (date: string): void => {
  if (!isIsoDate(date))
    throw new MarketClosedError(`calendar unknown: not an ISO date ${JSON.stringify(date)}`);
  if (date < NYSE_CALENDAR_RANGE.from || date > NYSE_CALENDAR_RANGE.to) {
    throw new MarketClosedError(
      `calendar unknown for ${date} (known ${NYSE_CALENDAR_RANGE.from}..${NYSE_CALENDAR_RANGE.to})`,
    );
  }
};

/** Full-day closures of a year on weekdays (observed dates), ascending. */
export const holidaysOf = (year: number): Holiday[] => {
  assertKnownDate(ymd(year, 6, 1));
  return [...holidayMap(year)]
    .filter(([date]) => weekday(date) !== 0 && weekday(date) !== 6)
    .map(([date, name]) => ({ date, name }))
    .sort((a, b) => (a.date < b.date ? -1 : 1));
};

const dayCache = new Map<string, CalendarDay | null>();

/**
 * The session on `date`, or null when the market is closed all day (weekend, holiday, closure). Each date's
 * answer is computed once (the calendar is fixed; a session is a frozen object).
 */
export const calendarDay = (date: string): CalendarDay | null => {
  const cached = dayCache.get(date);
  if (cached !== undefined) return cached;
  assertKnownDate(date);
  const dow = weekday(date);
  const year = Number(date.slice(0, 4));
  const day =
    dow === 0 || dow === 6 || holidayMap(year).has(date)
      ? null
      : Object.freeze({
          date,
          open: REGULAR_OPEN,
          close: earlyCloses(year).has(date) ? EARLY_CLOSE : REGULAR_CLOSE,
        });
  dayCache.set(date, day);
  return day;
};

/** True when the market has a session on `date`. */
export const isTradingDay = (date: string): boolean => calendarDay(date) !== null;

/** Every session between `from` and `to`, both inclusive, ascending (empty when `from > to`). */
export const sessionsBetween = (from: string, to: string): CalendarDay[] => {
  assertKnownDate(from);
  assertKnownDate(to);
  const out: CalendarDay[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const day = calendarDay(d);
    if (day) out.push(day);
  }
  return out;
};

const step = (date: string, direction: 1 | -1): string => {
  assertKnownDate(date);
  let d = addDays(date, direction);
  // At most ~5 closed days in a row; the bound only guards the range check.
  for (let i = 0; i < 14; i++, d = addDays(d, direction)) if (isTradingDay(d)) return d;
  throw new MarketClosedError(`calendar unknown: no session within 14 days of ${date}`);
};

/** The last session strictly before `date`. */
export const previousSession = (date: string): string => step(date, -1);

/** The first session strictly after `date`. */
export const nextSession = (date: string): string => step(date, 1);

/** Every session of the calendar's range, by date → its position (built once, on first use). */
let allSessions: Map<string, number> | undefined;

/**
 * The position of `date` among all sessions of {@link NYSE_CALENDAR_RANGE} (consecutive sessions have
 * consecutive positions), or undefined when `date` is not a session or is outside the range. Constant time
 * after the first call, for checks that walk thousands of bars.
 */
export const sessionPosition = (date: string): number | undefined => {
  if (!allSessions) {
    allSessions = new Map();
    let i = 0;
    for (let d: string = NYSE_CALENDAR_RANGE.from; d <= NYSE_CALENDAR_RANGE.to; d = addDays(d, 1))
      if (isTradingDay(d)) allSessions.set(d, i++);
  }
  return allSessions.get(date);
};

/** `date` itself when it is a session, else the last session before it. */
export const sessionOnOrBefore = (date: string): string =>
  isTradingDay(date) ? date : previousSession(date);
