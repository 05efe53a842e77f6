import { describe, expect, it } from 'vitest';
import { randomWalk, series } from '../testing/indicators.ts';
import { allEqual, pairwiseSum, pairwiseSumSquaredDeviations } from './sum.ts';

describe('pairwiseSum', () => {
  it('adds fewer than 8 values in order', () => {
    // Arrange
    const xs = series(1, 2, 3, 4, 5, 6, 7);
    // Act / Assert: 1 + 2 + … + 7 = 28; and a sub-range 2 + 3 + 4 = 9
    expect(pairwiseSum(xs, 0, 7)).toBe(28);
    expect(pairwiseSum(xs, 1, 4)).toBe(9);
  });

  it('uses eight interleaved accumulators from 8 values on (numpy order)', () => {
    // Arrange: 1e16 and −1e16 land in the same accumulator (indices 0 and 8) and cancel, so
    // r0 = 0 and r1..r7 = 1 + 1 = 2 → ((0 + 2) + (2 + 2)) + ((2 + 2) + (2 + 2)) = 14, exact.
    // Adding in order would lose each +1 against 1e16 (its ulp is 2) and give 7.
    const xs = series(1e16, 1, 1, 1, 1, 1, 1, 1, -1e16, 1, 1, 1, 1, 1, 1, 1);
    // Act
    const sum = pairwiseSum(xs, 0, 16);
    // Assert
    expect(sum).toBe(14);
    expect(Array.from(xs).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('adds the remainder after the 8-way block in order', () => {
    // Arrange: 10 values → block of 8, then +9, +10
    const xs = series(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    // Act / Assert
    expect(pairwiseSum(xs, 0, 10)).toBe(55);
  });

  it('splits more than 128 values into halves, the first a multiple of 8', () => {
    // Arrange: 200 values → 200/2 = 100 → 100 − 100 % 8 = 96: [0, 96) + [96, 200)
    const xs = randomWalk(7, 200);
    // Act
    const sum = pairwiseSum(xs, 0, 200);
    // Assert
    expect(sum).toBe(pairwiseSum(xs, 0, 96) + pairwiseSum(xs, 96, 200));
  });
});

describe('pairwiseSumSquaredDeviations', () => {
  it('sums (x − mean)² in the same order as pairwiseSum', () => {
    // Arrange
    const xs = randomWalk(11, 150);
    const mean = 100;
    const squares = xs.map((x) => (x - mean) * (x - mean));
    // Act / Assert: identical to summing the materialised squares
    for (const [from, to] of [
      [0, 5],
      [3, 20],
      [0, 128],
      [0, 150],
    ] as const) {
      expect(pairwiseSumSquaredDeviations(xs, from, to, mean)).toBe(pairwiseSum(squares, from, to));
    }
  });
});

describe('allEqual', () => {
  it('tells whether every value in the range equals the first', () => {
    // Arrange
    const xs = series(1, 2, 2, 2, 3);
    // Act / Assert
    expect(allEqual(xs, 1, 4)).toBe(true);
    expect(allEqual(xs, 0, 2)).toBe(false);
    expect(allEqual(xs, 4, 5)).toBe(true);
  });
});
