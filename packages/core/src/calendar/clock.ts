/**
 * Session instants and the market clock: the NYSE calendar ({@link calendarDay}) read in America/New_York
 * and turned into UTC instants ({@link newYorkToUtc}).
 */
import { MarketClosedError } from '../broker/errors.ts';
import type { CalendarDay, MarketClock } from '../broker/port.ts';
import { calendarDay, nextSession } from './nyse.ts';
import { newYorkToUtc, toNewYork } from './timezone.ts';

const sessionOrThrow = (date: string): CalendarDay => {
  const day = calendarDay(date);
  if (!day) throw new MarketClosedError(`${date} is not a trading session`);
  return day;
};

/** UTC instant the session on `date` opens; throws `MarketClosedError` when `date` is not a session. */
export const sessionOpen = (date: string): Date => newYorkToUtc(date, sessionOrThrow(date).open);

/** UTC instant the session on `date` closes (13:00 New York on early closes); throws when not a session. */
export const sessionClose = (date: string): Date => newYorkToUtc(date, sessionOrThrow(date).close);

/** Minutes before the close at which the daily run trades (15:45 New York, 12:45 on an early close). */
export const RUN_MINUTES_BEFORE_CLOSE = 15;

/**
 * The instant the daily run of `date` trades: {@link RUN_MINUTES_BEFORE_CLOSE} minutes before its close.
 * For a day that is not a session, 15:45 New York (PrepareRun then finds the market closed).
 */
export const runInstant = (date: string): Date =>
  calendarDay(date)
    ? new Date(sessionClose(date).getTime() - RUN_MINUTES_BEFORE_CLOSE * 60_000)
    : newYorkToUtc(date, '15:45');

/** Where an instant falls: its New York date, that date's session (or null) and whether the market is open. */
export interface MarketMoment {
  /** New York calendar date of the instant. */
  readonly date: string;
  readonly session: CalendarDay | null;
  /** True from the open (inclusive) to the close (exclusive) of `session`. */
  readonly isOpen: boolean;
}

/** Locates an instant on the calendar. */
export const marketMomentAt = (now: Date): MarketMoment => {
  const { date } = toNewYork(now);
  const session = calendarDay(date);
  if (!session) return { date, session, isOpen: false };
  const t = now.getTime();
  const isOpen =
    t >= newYorkToUtc(date, session.open).getTime() && t < newYorkToUtc(date, session.close).getTime();
  return { date, session, isOpen };
};

/** The market clock at `now`, as Alpaca's `/v2/clock` reports it (ISO UTC instants). */
export const marketClockAt = (now: Date): MarketClock => {
  const { date, session, isOpen } = marketMomentAt(now);
  const t = now.getTime();
  // Next open: today's if still ahead, else the next session's. Next close: today's if not yet past.
  const todayOpen = session ? newYorkToUtc(date, session.open) : null;
  const todayClose = session ? newYorkToUtc(date, session.close) : null;
  const following = nextSession(date);
  const nextOpen = todayOpen && t < todayOpen.getTime() ? todayOpen : sessionOpen(following);
  const nextClose = todayClose && t < todayClose.getTime() ? todayClose : sessionClose(following);
  return {
    timestamp: now.toISOString(),
    isOpen,
    nextOpen: nextOpen.toISOString(),
    nextClose: nextClose.toISOString(),
  };
};
