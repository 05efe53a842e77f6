/** Final target weights as exact decimal strings that sum to exactly 1. */
import { D } from '../decimal.ts';
import type { Alloc } from './allocation.ts';

/** Significant digits kept per weight (the contract promises at least 12). */
export const WEIGHT_DIGITS = 15;

/** Weights by symbol (ascending) as decimal strings with {@link WEIGHT_DIGITS} significant digits, summing to 1. */
/**
 * Sums are exact in core's `D` (50 significant digits): weights of 15 significant digits spanning magnitudes
 * from 1e-35 to 1 sum without rounding, so the remainder given to the largest weight makes exactly 1 (the
 * 20 digits of decimal.js's default would not: 0.00000506540818518219 + 0.999994934591815).
 */
export function toWeightStrings(alloc: Alloc): Record<string, string> {
  const ds = Array.from(alloc.weights, (w) => new D(w).toSignificantDigits(WEIGHT_DIGITS, D.ROUND_HALF_UP));
  let largest = 0;
  for (let k = 1; k < ds.length; k++) if (ds[k]!.gt(ds[largest]!)) largest = k;
  const sum = ds.reduce((a, d) => a.plus(d), new D(0));
  ds[largest] = ds[largest]!.plus(new D(1).minus(sum));
  const out: Record<string, string> = {};
  alloc.symbols.forEach((s, k) => {
    out[s] = ds[k]!.toFixed();
  });
  return out;
}
