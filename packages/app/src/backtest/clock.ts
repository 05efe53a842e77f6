/**
 * The backtest's clock: "now" jumps to each session's run instant (15 minutes before its close, as the
 * schedule starts a live day) and waiting takes no time — a sleep moves "now" forward by its length at
 * once, so every deadline the steps poll against still passes, as it would in a live day.
 */
import { runInstant } from '@ensemble/core';
import type { Clock } from '../ports.ts';

/** A {@link Clock} set to one session's run instant at a time. */
export interface BacktestClock extends Clock {
  /** Make "now" the run instant of `day` (15:45 New York, 12:45 on an early close). */
  setDay(day: string): void;
}

/** A new backtest clock, at the run instant of `day`. */
export const createBacktestClock = (day: string): BacktestClock => {
  let now = runInstant(day).getTime();
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
    setDay(d) {
      now = runInstant(d).getTime();
    },
  };
};
