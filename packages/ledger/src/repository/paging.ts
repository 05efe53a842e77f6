/** Paging and day ranges: one page of an ElectroDB query, and day bounds over composite sort keys. */
import type { DayRangeOptions, PageOptions } from '../types.ts';

/** Default page size. */
export const DEFAULT_LIMIT = 100;

/** ElectroDB query options for one page. */
export const pageOf = (options: PageOptions = {}) => ({
  cursor: options.cursor ?? null,
  count: options.limit ?? DEFAULT_LIMIT,
  originalErr: true as const,
});

/** The day after `day` (`YYYY-MM-DD`), used as an exclusive upper bound on composite sort keys. */
export const dayAfter = (day: string): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** Bounds of a day range over a sort key whose first composite is the day. */
export const dayBounds = (options: DayRangeOptions): { from: string; toExclusive: string } => ({
  from: options.from ?? '0000-01-01',
  toExclusive: options.to === undefined ? '9999-12-31' : dayAfter(options.to),
});
