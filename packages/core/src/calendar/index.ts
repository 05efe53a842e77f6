/** Public surface of the NYSE calendar (re-exported by the core package's index). */
export {
  type MarketMoment,
  marketClockAt,
  marketMomentAt,
  RUN_MINUTES_BEFORE_CLOSE,
  runInstant,
  sessionClose,
  sessionOpen,
} from './clock.ts';
export { addDays, isIsoDate, weekday } from './dates.ts';
export {
  calendarDay,
  EARLY_CLOSE,
  type Holiday,
  holidaysOf,
  isTradingDay,
  NYSE_CALENDAR_RANGE,
  nextSession,
  previousSession,
  REGULAR_CLOSE,
  REGULAR_OPEN,
  SPECIAL_CLOSURES,
  sessionOnOrBefore,
  sessionPosition,
  sessionsBetween,
} from './nyse.ts';
export { newYorkDate, newYorkOffsetHours, newYorkToUtc, toNewYork } from './timezone.ts';
