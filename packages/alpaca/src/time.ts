/**
 * Instants ↔ New York session dates for Alpaca's bars, on core's New York time (one source of truth): Alpaca
 * stamps a daily bar with midnight New York time of its session (`2024-01-03T05:00:00Z`).
 */
import { addDays, newYorkDate, newYorkToUtc } from '@ensemble/core';

/** The New York calendar date (`YYYY-MM-DD`) of an instant. */
export const nyDate = (instant: Date | number): string =>
  newYorkDate(typeof instant === 'number' ? new Date(instant) : instant);

/** Midnight New York time on `date`: the timestamp of that session's daily bar. */
export const nyMidnight = (date: string): Date => newYorkToUtc(date, '00:00');

/** The last second of `date` in New York (an inclusive end for a daily-bar request). */
export const nyEndOfDay = (date: string): Date => new Date(nyMidnight(addDays(date, 1)).getTime() - 1000);
