import { describe, expect, it } from 'vitest';
import { expectSeriesClose, expectSeriesIdentical, firstDefined, series } from '../testing/indicators.ts';
import { maxDrawdown } from './drawdown.ts';

describe('maxDrawdown', () => {
  it('is the largest fall from a running peak inside the window, in percent (hand-computed)', () => {
    // Arrange: n = 4 over 100, 120, 90, 110, 60, 80
    const xs = series(100, 120, 90, 110, 60, 80);
    // Act
    const out = maxDrawdown(xs, 4);
    // Assert: [100,120,90,110]: peak 120, low 90 → (1 − 90/120)·100 = 25
    //         [120,90,110,60]:  peak 120, low 60 → 50
    //         [90,110,60,80]:   the 120 left the window; peak 110, low 60 → (1 − 60/110)·100 = 500/11
    expectSeriesClose(out, [NaN, NaN, NaN, 25, 50, 500 / 11], 1e-13);
  });

  it('only counts falls after the peak, not before it', () => {
    // Arrange: the low comes before the high
    const xs = series(50, 100);
    // Act
    const out = maxDrawdown(xs, 2);
    // Assert
    expectSeriesIdentical(out, [NaN, 0]);
  });

  it('is first defined on the n-th bar of the run', () => {
    // Arrange
    const xs = series(5, 4, 3, 2, 1);
    // Act
    const out = maxDrawdown(xs, 3);
    // Assert
    expect(firstDefined(out)).toBe(2);
  });

  it('counts from the first close of a symbol that trades late, and restarts after a gap', () => {
    // Arrange: run 1 = 100, 50; run 2 = 40, 30 — a window reaching across would see 100 → 30
    const xs = series(NaN, 100, 50, NaN, 40, 30);
    // Act
    const out = maxDrawdown(xs, 2);
    // Assert: (1 − 50/100)·100 = 50; (1 − 30/40)·100 = 25
    expectSeriesClose(out, [NaN, NaN, 50, NaN, NaN, 25], 1e-13);
  });

  it('is 0 on a flat series and on a rising one', () => {
    // Arrange
    const flat = series(3, 3, 3, 3);
    const rising = series(1, 2, 3, 4);
    // Act / Assert
    expectSeriesIdentical(maxDrawdown(flat, 2), [NaN, 0, 0, 0]);
    expectSeriesIdentical(maxDrawdown(rising, 2), [NaN, 0, 0, 0]);
  });

  it('is never negative', () => {
    // Arrange
    const xs = series(10, 9, 11, 8, 12, 7);
    // Act
    const out = maxDrawdown(xs, 3);
    // Assert
    for (const v of out.subarray(2)) expect(v).toBeGreaterThanOrEqual(0);
  });
});
