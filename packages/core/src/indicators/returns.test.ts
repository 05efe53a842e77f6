import { describe, expect, it } from 'vitest';
import { expectSeriesClose, expectSeriesIdentical, firstDefined, series } from '../testing/indicators.ts';
import { cumulativeReturn, dailyReturns, movingAverageReturn } from './returns.ts';

describe('dailyReturns', () => {
  it('is (c[t]/c[t−1] − 1) × 100, NaN on the first day of each run', () => {
    // Arrange
    const xs = series(100, 125, 150, NaN, 80, 100);
    // Act
    const out = dailyReturns(xs);
    // Assert: 125/100 → 25 %, 150/125 → 20 %, gap, run restarts, 100/80 → 25 %
    expectSeriesClose(out, [NaN, 25, 20, NaN, NaN, 25], 1e-12);
  });
});

describe('cumulativeReturn', () => {
  it('is (c[t]/c[t−n] − 1) × 100 (hand-computed)', () => {
    // Arrange: n = 2
    const xs = series(100, 125, 150, 120);
    // Act
    const out = cumulativeReturn(xs, 2);
    // Assert: 150/100 − 1 = 0.5 → 50; 120/125 − 1 = −0.04 → −4
    expectSeriesClose(out, [NaN, NaN, 50, -4], 1e-12);
  });

  it('is first defined on bar n + 1 of the run', () => {
    // Arrange
    const xs = series(1, 2, 3, 4, 5, 6);
    // Act
    const out = cumulativeReturn(xs, 3);
    // Assert
    expect(firstDefined(out)).toBe(3);
  });

  it('counts from the first close of a symbol that trades late', () => {
    // Arrange
    const xs = series(NaN, NaN, 100, 125, 150);
    // Act
    const out = cumulativeReturn(xs, 2);
    // Assert
    expectSeriesClose(out, [NaN, NaN, NaN, NaN, 50], 1e-12);
  });

  it('never compares across a NaN gap', () => {
    // Arrange: c[5]/c[2] would reach across the gap at 3
    const xs = series(100, 110, 120, NaN, 50, 60, 75);
    // Act
    const out = cumulativeReturn(xs, 2);
    // Assert: 120/100 → 20 %; run 2 needs 3 closes: 75/50 → 50 %
    expectSeriesClose(out, [NaN, NaN, 20, NaN, NaN, NaN, 50], 1e-12);
  });

  it('is 0 on a flat series', () => {
    // Arrange
    const xs = series(0.3, 0.3, 0.3, 0.3);
    // Act
    const out = cumulativeReturn(xs, 1);
    // Assert
    expectSeriesIdentical(out, [NaN, 0, 0, 0]);
  });
});

describe('movingAverageReturn', () => {
  it('averages the last n daily returns (hand-computed)', () => {
    // Arrange: n = 2; returns 25 %, 20 %, −20 % (125/100, 150/125, 120/150)
    const xs = series(100, 125, 150, 120);
    // Act
    const out = movingAverageReturn(xs, 2);
    // Assert: (25 + 20)/2 = 22.5; (20 − 20)/2 = 0
    expectSeriesClose(out, [NaN, NaN, 22.5, 0], 1e-12);
  });

  it('needs n + 1 closes', () => {
    // Arrange
    const xs = series(1, 2, 3, 4, 5, 6);
    // Act
    const out = movingAverageReturn(xs, 4);
    // Assert
    expect(firstDefined(out)).toBe(4);
  });

  it('counts from the first close of a symbol that trades late', () => {
    // Arrange
    const xs = series(NaN, 100, 125, 150, 120);
    // Act
    const out = movingAverageReturn(xs, 2);
    // Assert
    expectSeriesClose(out, [NaN, NaN, NaN, 22.5, 0], 1e-12);
  });

  it('never takes a return across a NaN gap', () => {
    // Arrange: run 2 = 100, 110, 121 → returns 10 %, 10 %
    const xs = series(100, 200, NaN, 100, 110, 121);
    // Act
    const out = movingAverageReturn(xs, 2);
    // Assert: run 1 has only 2 closes; run 2 has 3 → one value
    expectSeriesClose(out, [NaN, NaN, NaN, NaN, NaN, 10], 1e-12);
  });

  it('is 0 on a flat series', () => {
    // Arrange
    const xs = series(3, 3, 3, 3);
    // Act
    const out = movingAverageReturn(xs, 2);
    // Assert
    expectSeriesIdentical(out, [NaN, NaN, 0, 0]);
  });
});
