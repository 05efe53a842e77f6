/**
 * The Decimal flavour of execution (50 significant digits, half-even; the global configuration is never
 * touched), and decimal-string helpers.
 */
import { D } from '@ensemble/core';

/** Decimal for quantities × prices: core's (50 significant digits, half-even). */
export { D };

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
