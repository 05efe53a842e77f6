/** Final target weights as exact decimal strings that sum to exactly 1. */
import { Decimal } from 'decimal.js';
import type { Alloc } from './allocation.ts';

/**
 * Decimals with exact sums: the default precision (20 significant digits) rounds the sum of weights of
 * different magnitudes (e.g. 0.00000506540818518219 + 0.999994934591815), and the remainder given to the
 * largest weight would then miss exactly 1. Sums of finite decimals only need the digits they span, so a
 * huge precision costs nothing.
 */
const Exact = Decimal.clone({ precision: 1e9 });

/** Significant digits kept per weight (the contract promises at least 12). */
export const WEIGHT_DIGITS = 15;

/** Weights by symbol (ascending) as decimal strings with {@link WEIGHT_DIGITS} significant digits, summing to 1. */
export function toWeightStrings(alloc: Alloc): Record<string, string> {
  const ds = Array.from(alloc.weights, (w) => new Exact(w).toSignificantDigits(WEIGHT_DIGITS));
  let largest = 0;
  for (let k = 1; k < ds.length; k++) if (ds[k]!.gt(ds[largest]!)) largest = k;
  const sum = ds.reduce((a, d) => a.plus(d), new Exact(0));
  ds[largest] = ds[largest]!.plus(new Exact(1).minus(sum));
  const out: Record<string, string> = {};
  alloc.symbols.forEach((s, k) => {
    out[s] = ds[k]!.toFixed();
  });
  return out;
}
