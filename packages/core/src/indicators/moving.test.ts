import { describe, expect, it } from 'vitest';
import { expectSeriesIdentical, firstDefined, nans, series } from '../testing/indicators.ts';
import { currentPrice, exponentialMovingAveragePrice, movingAveragePrice } from './moving.ts';

describe('currentPrice', () => {
  it('returns each close, NaN where there is none', () => {
    // Arrange
    const xs = series(NaN, 10, 11, NaN, 12);
    // Act
    const out = currentPrice(xs);
    // Assert
    expectSeriesIdentical(out, [NaN, 10, 11, NaN, 12]);
  });

  it('returns a copy, never the input array', () => {
    // Arrange
    const xs = series(1, 2);
    // Act
    const out = currentPrice(xs);
    out[0] = 99;
    // Assert
    expect(xs[0]).toBe(1);
  });
});

describe('movingAveragePrice', () => {
  it('averages the last n closes (hand-computed)', () => {
    // Arrange: n = 3 over 2, 4, 6, 8, 10
    const xs = series(2, 4, 6, 8, 10);
    // Act
    const out = movingAveragePrice(xs, 3);
    // Assert: (2+4+6)/3 = 4, (4+6+8)/3 = 6, (6+8+10)/3 = 8; the first two days lack 3 closes
    expectSeriesIdentical(out, [NaN, NaN, 4, 6, 8]);
  });

  it('is first defined on the n-th bar of the run', () => {
    // Arrange
    const xs = series(1, 2, 3, 4, 5, 6, 7);
    // Act
    const out = movingAveragePrice(xs, 5);
    // Assert: bars 0..4 are the first 5 closes
    expect(firstDefined(out)).toBe(4);
  });

  it('starts counting at the first close of a symbol that trades late', () => {
    // Arrange: two sessions before the symbol exists
    const xs = series(NaN, NaN, 2, 4, 6, 8);
    // Act
    const out = movingAveragePrice(xs, 3);
    // Assert: first window is 2, 4, 6 → 4
    expectSeriesIdentical(out, [NaN, NaN, NaN, NaN, 4, 6]);
  });

  it('never lets a window reach across a NaN gap', () => {
    // Arrange: run 1 = 2, 4, 6; gap; run 2 = 10, 20, 30
    const xs = series(2, 4, 6, NaN, 10, 20, 30);
    // Act
    const out = movingAveragePrice(xs, 2);
    // Assert: (2+4)/2 = 3, (4+6)/2 = 5, gap, first day of run 2 lacks 2 closes, (10+20)/2 = 15, (20+30)/2 = 25
    expectSeriesIdentical(out, [NaN, 3, 5, NaN, NaN, 15, 25]);
  });

  it('equals the price exactly on a flat series', () => {
    // Arrange: 0.1 + 0.1 + 0.1 = 0.30000000000000004 in doubles, so a naive mean would miss 0.1
    const xs = series(0.1, 0.1, 0.1, 0.1);
    // Act
    const out = movingAveragePrice(xs, 3);
    // Assert
    expectSeriesIdentical(out, [NaN, NaN, 0.1, 0.1]);
  });

  it('with n = 1 is the price', () => {
    // Arrange
    const xs = series(3, NaN, 5);
    // Act
    const out = movingAveragePrice(xs, 1);
    // Assert
    expectSeriesIdentical(out, [3, NaN, 5]);
  });
});

describe('exponentialMovingAveragePrice', () => {
  it('runs y_t = (1 − α)·y_{t−1} + α·c_t from the first close (hand-computed)', () => {
    // Arrange: n = 3 → α = 2/(3+1) = 0.5
    const xs = series(2, 4, 8, 4);
    // Act
    const out = exponentialMovingAveragePrice(xs, 3);
    // Assert: y0 = 2; y1 = 0.5·2 + 0.5·4 = 3; y2 = 0.5·3 + 0.5·8 = 5.5; y3 = 0.5·5.5 + 0.5·4 = 4.75
    // reported from the 3rd close on
    expectSeriesIdentical(out, [NaN, NaN, 5.5, 4.75]);
  });

  it('uses the whole run, not just the last n closes', () => {
    // Arrange: n = 1 → α = 1 is the price; n = 3 remembers closes older than 3 bars
    const xs = series(100, 0, 0, 0);
    // Act
    const out = exponentialMovingAveragePrice(xs, 3);
    // Assert: y = 100, 50, 25, 12.5 — the 100 four bars back still counts
    expectSeriesIdentical(out, [NaN, NaN, 25, 12.5]);
    expectSeriesIdentical(exponentialMovingAveragePrice(xs, 1), [100, 0, 0, 0]);
  });

  it('seeds with the first close of a symbol that trades late', () => {
    // Arrange
    const xs = series(NaN, NaN, 2, 4, 8);
    // Act
    const out = exponentialMovingAveragePrice(xs, 3);
    // Assert: as in the hand-computed case, shifted by two days
    expectSeriesIdentical(out, [NaN, NaN, NaN, NaN, 5.5]);
  });

  it('restarts the recursion after a NaN gap', () => {
    // Arrange: run 1 = 2, 4, 8; gap; run 2 = 2, 4, 8
    const xs = series(2, 4, 8, NaN, 2, 4, 8);
    // Act
    const out = exponentialMovingAveragePrice(xs, 3);
    // Assert: run 2 ignores run 1 entirely
    expectSeriesIdentical(out, [NaN, NaN, 5.5, NaN, NaN, NaN, 5.5]);
  });

  it('stays exactly at the price on a flat series', () => {
    // Arrange: with n = 9 (α = 0.2) the unguarded recursion drifts to 0.10000000000000002;
    // pandas (and we) leave the average untouched when the observation equals it
    const xs = series(...Array.from({ length: 12 }, () => 0.1));
    // Act
    const out = exponentialMovingAveragePrice(xs, 9);
    // Assert
    expect(Array.from(out.subarray(8))).toEqual([0.1, 0.1, 0.1, 0.1]);
  });

  it('is first defined on the n-th bar of the run', () => {
    // Arrange
    const xs = series(...nans(3), 1, 2, 3, 4, 5, 6);
    // Act
    const out = exponentialMovingAveragePrice(xs, 4);
    // Assert: run starts at 3, its 4th bar is index 6
    expect(firstDefined(out)).toBe(6);
  });
});
