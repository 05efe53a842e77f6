/**
 * Decimal helpers shared by the book math and the planner. Everything inside is `Decimal` from a private
 * clone with 50 significant digits (decimal.js defaults to 20, too few for qty × price with 9-decimal
 * quantities); decimal strings at every boundary. The global `Decimal` configuration is never touched.
 */
import { Decimal } from 'decimal.js';
import type { DecimalString } from './types.ts';

/** The Decimal constructor used by all book and planner math (50 significant digits, half-even). */
export const D = Decimal.clone({
  precision: 50,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -60,
  toExpPos: 60,
});
export type D = Decimal;

/** Share quantities carry at most this many decimals (Alpaca's fractional precision). */
export const QTY_DP = 9;
/** Cash moved between books is rounded to cents. */
export const CASH_DP = 2;
/** Pool shares (fractions of the pool) carry this many decimals. */
export const SHARE_DP = 18;

export const ZERO = new D(0);
export const ONE = new D(1);

/** Parses a decimal string (or passes a Decimal through). */
export const dec = (v: DecimalString | Decimal): Decimal => new D(v);

/** Formats a Decimal as a plain decimal string: no exponent, no trailing zeros, never `-0`. */
export const str = (d: Decimal): DecimalString => (d.isZero() ? '0' : d.toFixed());

/** Rounds toward zero to `dp` decimals (what a book may move or spend without overdrawing). */
export const floorTo = (d: Decimal, dp: number): Decimal => d.toDecimalPlaces(dp, Decimal.ROUND_DOWN);

/** Rounds half-up to `dp` decimals. */
export const roundTo = (d: Decimal, dp: number): Decimal => d.toDecimalPlaces(dp, Decimal.ROUND_HALF_UP);

/** Sum of Decimals. */
export const sum = (xs: Iterable<Decimal>): Decimal => {
  let total = ZERO;
  for (const x of xs) total = total.plus(x);
  return total;
};

/** Compares strings by code unit (locale-independent, deterministic). */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
