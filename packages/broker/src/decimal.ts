/**
 * Decimal math of the simulated broker: core's decimal.js clone (50 significant digits), decimal strings
 * at every boundary. Money is rounded to cents, share quantities to 9 decimals.
 */
import { D } from '@ensemble/core';
import { Decimal } from 'decimal.js';

/** The Decimal constructor used by the simulated broker: core's (50 significant digits, half-even). */
export { D };

/** Decimals of a share quantity (Alpaca's fractional precision). */
export const QTY_DP = 9;
/** Decimals of money amounts. */
export const MONEY_DP = 2;

export const ZERO = new D(0);

/** A plain decimal string: no exponent, no trailing zeros, never `-0`. */
export const str = (d: Decimal): string => (d.isZero() ? '0' : d.toFixed());

/** Money rounded half-up to cents. */
export const cents = (d: Decimal): Decimal => d.toDecimalPlaces(MONEY_DP, Decimal.ROUND_HALF_UP);

/** Rounds toward zero to `dp` decimals. */
export const floorTo = (d: Decimal, dp: number): Decimal => d.toDecimalPlaces(dp, Decimal.ROUND_DOWN);

/** Rounds away from zero to `dp` decimals (fees are charged up to the next cent). */
export const ceilTo = (d: Decimal, dp: number): Decimal => d.toDecimalPlaces(dp, Decimal.ROUND_UP);

/** A price as a broker quotes it: cents at or above $1, 4 decimals below. */
export const quotePrice = (d: Decimal): Decimal => d.toDecimalPlaces(d.gte(1) ? 2 : 4, Decimal.ROUND_HALF_UP);
