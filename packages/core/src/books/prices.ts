/**
 * Prices at the boundary: symbol → decimal string. Reading a price fails closed: a missing, zero, negative
 * or malformed price is a {@link PriceInvalidError}, never a silent zero.
 */
import * as z from 'zod';
import { type D as Dec, dec } from '../decimal.ts';
import { PriceInvalidError } from './errors.ts';

/** Prices by symbol, as decimal strings (USD per share). */
export const Prices = z.record(z.string(), z.string());
export type Prices = Readonly<Record<string, string>>;

/** The strictly positive price of `symbol`, or a {@link PriceInvalidError}. */
export const requirePrice = (prices: Prices, symbol: string): Dec => {
  const raw = Object.hasOwn(prices, symbol) ? prices[symbol] : undefined;
  if (raw === undefined) throw new PriceInvalidError(symbol, 'no price');
  let p: Dec;
  try {
    p = dec(raw);
  } catch (cause) {
    throw new PriceInvalidError(symbol, `price ${JSON.stringify(raw)} is not a decimal`, { cause });
  }
  if (!p.isFinite() || p.lte(0)) throw new PriceInvalidError(symbol, `price ${raw} is not positive`);
  return p;
};
