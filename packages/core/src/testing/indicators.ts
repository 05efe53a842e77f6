/** Helpers shared by the indicator tests (not part of the package API). */
import { expect } from 'vitest';

/** A series from plain numbers (`NaN` for a day without a value). */
export const series = (...values: number[]): Float64Array => Float64Array.from(values);

/** `count` NaNs. */
export const nans = (count: number): number[] => Array.from({ length: count }, () => Number.NaN);

/** Index of the first non-NaN value, or -1. */
export const firstDefined = (xs: Float64Array): number => xs.findIndex((x) => !Number.isNaN(x));

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A positive random-walk price series of `length` bars (daily moves within ±3 %). */
export function randomWalk(seed: number, length: number, start = 100): Float64Array {
  const rand = prng(seed);
  const xs = new Float64Array(length);
  let price = start;
  for (let i = 0; i < length; i++) {
    xs[i] = price;
    price *= 1 + (rand() - 0.5) * 0.06;
  }
  return xs;
}

/** Same NaN positions, and every other value within `tol × max(1, |expected|)`. */
export function expectSeriesClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      expect({ i, value: a }).toEqual({ i, value: e });
      continue;
    }
    if (Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) {
      expect.fail(`index ${i}: ${a} differs from ${e} by more than ${tol} (relative)`);
    }
  }
}

/** Bit-for-bit equality of two series (NaN equals NaN). */
export function expectSeriesIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(Array.from(actual)).toEqual(Array.from(expected));
}
