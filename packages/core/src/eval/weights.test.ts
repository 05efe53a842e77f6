import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combine } from './allocation.ts';
import { toWeightStrings, WEIGHT_DIGITS } from './weights.ts';

/** Decimals whose sums are exact (the default precision, 20 digits, would round them). */
const Exact = Decimal.clone({ precision: 1e9 });
const exactSum = (ws: Record<string, string>): Decimal =>
  Object.values(ws).reduce((a, w) => a.plus(new Exact(w)), new Exact(0));

describe('toWeightStrings', () => {
  it('writes exact decimals that sum to exactly 1 (1/3 each: the remainder goes to the largest)', () => {
    // Arrange
    const alloc = combine([
      { alloc: { symbols: ['A'], weights: Float64Array.of(1) }, scale: 1 },
      { alloc: { symbols: ['B'], weights: Float64Array.of(1) }, scale: 1 },
      { alloc: { symbols: ['C'], weights: Float64Array.of(1) }, scale: 1 },
    ]);
    // Act
    const got = toWeightStrings(alloc);
    // Assert: 3 × 0.333333333333333 = 0.999999999999999 → +1e-15 on the first of the (equal) largest
    expect(got).toEqual({ A: '0.333333333333334', B: '0.333333333333333', C: '0.333333333333333' });
  });

  it('sums to exactly 1 when the weights differ by many orders of magnitude', () => {
    // Arrange: 0.00000506540818518219 + 0.999994934591815 = 1.00000000000000018219 (21 digits) — a sum
    // rounded to 20 digits made the remainder 1e-20 short
    const alloc = {
      symbols: ['A', 'B'],
      weights: Float64Array.of(0.0000050654081851821944, 0.9999949345918148),
    };
    // Act
    const got = toWeightStrings(alloc);
    // Assert: B = 0.999994934591815 − 0.00000000000000018219
    expect(got).toEqual({ A: '0.00000506540818518219', B: '0.99999493459181481781' });
    expect(exactSum(got).eq(1)).toBe(true);
  });

  it('keeps short decimals short', () => {
    // Act / Assert
    expect(toWeightStrings({ symbols: ['A', 'B'], weights: Float64Array.of(0.75, 0.25) })).toEqual({
      A: '0.75',
      B: '0.25',
    });
    expect(toWeightStrings({ symbols: ['A'], weights: Float64Array.of(1) })).toEqual({ A: '1' });
  });

  it('always sums to exactly 1 with at least 12 significant digits per weight (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (raw) => {
          // Arrange: positive weights normalized as the evaluator does
          const total = raw.reduce((a, b) => a + b, 0);
          const symbols = raw.map((_, k) => `S${String(k).padStart(2, '0')}`);
          const weights = Float64Array.from(raw, (w) => w / total);
          // Act
          const got = toWeightStrings({ symbols, weights });
          // Assert
          const ds = Object.values(got).map((w) => new Exact(w));
          expect(exactSum(got).eq(1)).toBe(true);
          ds.forEach((d, k) => {
            // each weight is within one unit of its 15th significant digit of the binary value
            expect(Math.abs(d.toNumber() - weights[k]!)).toBeLessThanOrEqual(
              weights[k]! * 10 ** (2 - WEIGHT_DIGITS),
            );
            if (!d.eq(d.toSignificantDigits(11))) expect(d.sd()).toBeGreaterThanOrEqual(12);
          });
        },
      ),
    );
  });
});
