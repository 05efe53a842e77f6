/**
 * The one Decimal module. Everything inside Ensemble computes with `D`, a private decimal.js clone with 50
 * significant digits (decimal.js defaults to 20, too few for qty × price with 9-decimal quantities), and
 * exchanges decimal strings at every boundary (JSON, DynamoDB, the broker). The global `Decimal`
 * configuration is never touched. Money is never a `number`.
 */
import { Decimal } from 'decimal.js';
import * as z from 'zod';
import { remembered } from './memo.ts';

/** A decimal number as a string, e.g. "12.5", "-0.000000001". */
export const DecimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');
export type DecimalString = z.infer<typeof DecimalString>;

/** The Decimal constructor of every computation (50 significant digits, half-even). */
export const D = Decimal.clone({
  precision: 50,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -60,
  toExpPos: 60,
});
export type D = Decimal;

/** Share quantities carry at most this many decimals (Alpaca's fractional precision). */
export const QTY_DP = 9;
/** Money (cash, notional, fees) is booked in cents. */
export const CASH_DP = 2;
/** Pool shares (fractions of the pool) carry this many decimals. */
export const SHARE_DP = 18;

export const ZERO = new D(0);
export const ONE = new D(1);

/**
 * A decimal string parsed once: the same text read again (a position's qty, a price, a cash balance — the
 * ledger and the broker exchange strings, and each step reads them anew) is answered with the Decimal parsed
 * the first time. Decimals are immutable, so sharing one is safe.
 */
const parsed = remembered((text: string): Decimal => new D(text));

/** Parses a decimal string (once per text: {@link parsed}), or copies a Decimal. */
export const dec = (v: DecimalString | Decimal): Decimal => (typeof v === 'string' ? parsed(v) : new D(v));

/** Formats a Decimal as a plain decimal string: no exponent, no trailing zeros, never `-0`. */
export const str = (d: Decimal): DecimalString => (d.isZero() ? '0' : d.toFixed());

/** Formats a Decimal rounded (half-even) to at most `dp` decimals: no exponent, no trailing zeros, never `-0`. */
export const strDp = (d: Decimal, dp: number): DecimalString => str(d.toDecimalPlaces(dp));

/** A share quantity (or an amount at the ledger's scale) as a string: at most {@link QTY_DP} decimals. */
export const strQty = (d: Decimal): DecimalString => strDp(d, QTY_DP);

/** Rounds toward zero to `dp` decimals (what a book may move or spend without overdrawing). */
export const floorTo = (d: Decimal, dp: number): Decimal => d.toDecimalPlaces(dp, Decimal.ROUND_DOWN);

/** Rounds half-up to `dp` decimals. */
export const roundTo = (d: Decimal, dp: number): Decimal => d.toDecimalPlaces(dp, Decimal.ROUND_HALF_UP);

/** Rounds away from zero to `dp` decimals (fees are charged up to the next cent). */
export const ceilTo = (d: Decimal, dp: number): Decimal => d.toDecimalPlaces(dp, Decimal.ROUND_UP);

/** Money rounded half-up to cents. */
export const cents = (d: Decimal): Decimal => roundTo(d, CASH_DP);

/** A price as a broker quotes and fills it: cents at or above $1, four decimals below. */
export const quotePrice = (d: Decimal): Decimal => roundTo(d, d.gte(1) ? 2 : 4);

/** Sum of Decimals or decimal strings. */
export const sum = (xs: Iterable<Decimal | DecimalString>): Decimal => {
  let total = ZERO;
  for (const x of xs) total = total.plus(typeof x === 'string' ? parsed(x) : x);
  return total;
};

/** Compares strings by code unit (locale-independent, deterministic). */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
