/**
 * The Decimal flavour of execution (50 significant digits, half-even; the global configuration is never
 * touched), and helpers to read every page of a ledger list.
 */
import { Decimal as BaseDecimal } from 'decimal.js';

/** Decimal for quantities × prices. */
export const D = BaseDecimal.clone({
  precision: 50,
  rounding: BaseDecimal.ROUND_HALF_EVEN,
  toExpNeg: -60,
  toExpPos: 60,
});
export type D = InstanceType<typeof D>;

/** Shares and money carry at most this many decimals (Alpaca's fractional precision; the ledger's scale). */
export const DP = 9;

/** A canonical decimal string: at most 9 decimals, no exponent, no trailing zeros, never `-0`. */
export const str = (d: D): string => {
  const r = d.toDecimalPlaces(DP);
  return r.isZero() ? '0' : r.toFixed();
};

/** Sum of decimal strings. */
export const sumOf = (xs: Iterable<string>): D => {
  let t = new D(0);
  for (const x of xs) t = t.plus(x);
  return t;
};

/** Every item of a paged ledger list. */
export const allPages = async <T>(
  list: (options: { cursor: string | null; limit: number }) => Promise<{ data: T[]; cursor: string | null }>,
): Promise<T[]> => {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await list({ cursor, limit: 100 });
    out.push(...page.data);
    cursor = page.cursor;
  } while (cursor !== null);
  return out;
};

/** `YYYY-MM-DD` shifted by `days` (negative = earlier). */
export const addDays = (day: string, days: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
