import { describe, expect, it } from 'vitest';
import { expectSeriesClose, expectSeriesIdentical, firstDefined, series } from '../testing/indicators.ts';
import { stdevPrice, stdevReturn, windowStdev } from './dispersion.ts';

describe('windowStdev', () => {
  it('divides by count − ddof', () => {
    // Arrange: 2, 4, 6 → mean 4, squared deviations 4 + 0 + 4 = 8
    const xs = series(2, 4, 6);
    // Act / Assert: ddof 0 → √(8/3); ddof 1 → √(8/2) = 2
    expect(windowStdev(xs, 0, 3, 0)).toBe(Math.sqrt(8 / 3));
    expect(windowStdev(xs, 0, 3, 1)).toBe(2);
  });

  it('is NaN when there are no degrees of freedom left', () => {
    // Arrange
    const xs = series(5);
    // Act / Assert
    expect(windowStdev(xs, 0, 1, 1)).toBeNaN();
    expect(windowStdev(xs, 0, 1, 0)).toBe(0);
  });
});

describe('stdevPrice', () => {
  it('is the sample standard deviation of the last n closes (hand-computed)', () => {
    // Arrange: n = 3 over 1, 2, 4, 8
    const xs = series(1, 2, 4, 8);
    // Act
    const out = stdevPrice(xs, 3);
    // Assert: [1,2,4]: mean 7/3, squares (16 + 1 + 25)/9 = 42/9, / 2 → 7/3 → √(7/3)
    //         [2,4,8]: mean 14/3, squares (64 + 4 + 100)/9 = 168/9, / 2 → 28/3 → √(28/3)
    expectSeriesClose(out, [NaN, NaN, Math.sqrt(7 / 3), Math.sqrt(28 / 3)], 1e-14);
  });

  it('is first defined on the n-th bar of the run', () => {
    // Arrange
    const xs = series(NaN, 1, 2, 3, 4, 5);
    // Act
    const out = stdevPrice(xs, 4);
    // Assert
    expect(firstDefined(out)).toBe(4);
  });

  it('counts from the first close of a symbol that trades late, and restarts after a gap', () => {
    // Arrange: runs 2, 4, 6 and 10, 20
    const xs = series(NaN, 2, 4, 6, NaN, 10, 20);
    // Act
    const out = stdevPrice(xs, 2);
    // Assert: [2,4] and [4,6] → √2 (squares 1 + 1, / 1); [10,20] → √50
    expectSeriesClose(out, [NaN, NaN, Math.SQRT2, Math.SQRT2, NaN, NaN, Math.sqrt(50)], 1e-14);
  });

  it('is exactly 0 on a flat series', () => {
    // Arrange: a mean of 0.1s computed by summing is not exactly 0.1, the answer must still be 0
    const xs = series(0.1, 0.1, 0.1, 0.1);
    // Act
    const out = stdevPrice(xs, 3);
    // Assert
    expectSeriesIdentical(out, [NaN, NaN, 0, 0]);
  });

  it('is NaN for n = 1 (no degrees of freedom)', () => {
    // Arrange
    const xs = series(1, 2, 3);
    // Act
    const out = stdevPrice(xs, 1);
    // Assert
    expectSeriesIdentical(out, [NaN, NaN, NaN]);
  });
});

describe('stdevReturn', () => {
  it('is the population standard deviation of the last n daily returns in percent (hand-computed)', () => {
    // Arrange: n = 2; returns 25 %, 20 %, −20 %
    const xs = series(100, 125, 150, 120);
    // Act
    const out = stdevReturn(xs, 2);
    // Assert: [25, 20] → mean 22.5, deviations ±2.5 → √6.25 = 2.5; [20, −20] → √400 = 20 (daily, not annualised)
    expectSeriesClose(out, [NaN, NaN, 2.5, 20], 1e-12);
  });

  it('needs n + 1 closes', () => {
    // Arrange
    const xs = series(1, 2, 4, 8, 16, 32);
    // Act
    const out = stdevReturn(xs, 3);
    // Assert
    expect(firstDefined(out)).toBe(3);
  });

  it('counts from the first close of a symbol that trades late, and restarts after a gap', () => {
    // Arrange: run 1 = 100, 125, 150 (returns 25, 20); run 2 = 100, 110, 99 (returns 10, −10)
    const xs = series(NaN, 100, 125, 150, NaN, 100, 110, 99);
    // Act
    const out = stdevReturn(xs, 2);
    // Assert
    expectSeriesClose(out, [NaN, NaN, NaN, 2.5, NaN, NaN, NaN, 10], 1e-12);
  });

  it('is exactly 0 on a flat series', () => {
    // Arrange
    const xs = series(4, 4, 4, 4, 4);
    // Act
    const out = stdevReturn(xs, 3);
    // Assert
    expectSeriesIdentical(out, [NaN, NaN, NaN, 0, 0]);
  });
});
