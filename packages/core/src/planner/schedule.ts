/**
 * Is a frequency rebalance due? Pure calendar arithmetic on ISO dates (`YYYY-MM-DD`) passed in by the
 * caller — never the clock. A period is due when `asOf` falls in a later calendar period (ISO week, month,
 * quarter, year) than the last rebalance; with no previous rebalance it is due.
 */

import { PlanInputInvalidError } from './errors.ts';
import type { RebalanceFrequency } from './settings.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const parts = (date: string): { y: number; m: number; d: number } => {
  const m = ISO_DATE.exec(date);
  if (!m) throw new PlanInputInvalidError(`expected an ISO date YYYY-MM-DD, found ${JSON.stringify(date)}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
};

/** ISO-8601 week key `YYYY-Www` of a date (weeks start on Monday; week 1 holds the year's first Thursday). */
export const isoWeek = (date: string): string => {
  const { y, m, d } = parts(date);
  const day = 86_400_000;
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = t + (3 - dow) * day; // the Thursday of this week decides the year
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / day / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
};

const periodKey = (frequency: RebalanceFrequency, date: string): string => {
  const { y, m } = parts(date);
  switch (frequency) {
    case 'weekly':
      return isoWeek(date);
    case 'monthly':
      return `${y}-${m}`;
    case 'quarterly':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'yearly':
      return `${y}`;
    default:
      return date;
  }
};

/** True if a `frequency` rebalance is due on `asOf` given the date of the last rebalance. */
export const isRebalanceDue = (
  frequency: RebalanceFrequency,
  asOf: string,
  lastRebalancedOn?: string,
): boolean => {
  parts(asOf);
  if (frequency === 'none') return false;
  if (frequency === 'daily' || lastRebalancedOn === undefined) return true;
  return periodKey(frequency, asOf) !== periodKey(frequency, lastRebalancedOn);
};
