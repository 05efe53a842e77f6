import { describe, expect, it } from 'vitest';
import { expectSeriesIdentical, firstDefined, series } from '../testing/indicators.ts';
import { rsi, rsiFromAverages } from './rsi.ts';

describe('rsiFromAverages', () => {
  it('maps the smoothed gain and loss to 0..100', () => {
    // Arrange / Act / Assert: RS = 3/1 → 100 − 100/4 = 75; no loss → 100; nothing moved → 50; no gain → 0
    expect(rsiFromAverages(3, 1)).toBe(75);
    expect(rsiFromAverages(2, 0)).toBe(100);
    expect(rsiFromAverages(0, 0)).toBe(50);
    expect(rsiFromAverages(0, 2)).toBe(0);
  });
});

describe('rsi', () => {
  it('smooths gains and losses with α = 1/n from a zero first delta (hand-computed)', () => {
    // Arrange: n = 2 → α = 1/2; closes 10, 12, 11, 13
    // deltas 0 (first of the run), +2, −1, +2 → gains 0, 2, 0, 2; losses 0, 0, 1, 0
    // avgGain: 0, ½·0 + ½·2 = 1, ½·1 + ½·0 = 0.5, ½·0.5 + ½·2 = 1.25
    // avgLoss: 0, 0, ½·0 + ½·1 = 0.5, ½·0.5 + ½·0 = 0.25
    const xs = series(10, 12, 11, 13);
    // Act
    const out = rsi(xs, 2);
    // Assert: needs n + 1 = 3 closes; t = 2: RS = 1 → 50; t = 3: RS = 5 → 100 − 100/6
    expectSeriesIdentical(out, [NaN, NaN, 50, 100 - 100 / 6]);
  });

  it('is first defined on bar n + 1 of the run', () => {
    // Arrange
    const xs = series(5, 6, 5, 6, 5, 6, 5, 6);
    // Act
    const out = rsi(xs, 5);
    // Assert
    expect(firstDefined(out)).toBe(5);
  });

  it('starts the recursion at the first close of a symbol that trades late', () => {
    // Arrange
    const xs = series(NaN, NaN, NaN, 10, 12, 11, 13);
    // Act
    const out = rsi(xs, 2);
    // Assert: as in the hand-computed case, shifted by three days
    expectSeriesIdentical(out, [NaN, NaN, NaN, NaN, NaN, 50, 100 - 100 / 6]);
  });

  it('restarts after a NaN gap, counting the first delta of the new run as 0', () => {
    // Arrange: run 2 = 13, 12, 14 → deltas 0, −1, +2
    // avgGain: 0, 0, ½·0 + ½·2 = 1; avgLoss: 0, ½·1 = 0.5, ½·0.5 = 0.25 → RS = 4 → 100 − 100/5 = 80
    // (carrying run 1's state over, or taking 13 − 10 as a delta, would give something else)
    const xs = series(10, 12, 11, 13, NaN, 13, 12, 14);
    // Act
    const out = rsi(xs, 2);
    // Assert
    expectSeriesIdentical(out, [NaN, NaN, 50, 100 - 100 / 6, NaN, NaN, NaN, 80]);
  });

  it('is 50 on a flat series', () => {
    // Arrange
    const xs = series(7, 7, 7, 7, 7, 7);
    // Act
    const out = rsi(xs, 3);
    // Assert
    expectSeriesIdentical(out, [NaN, NaN, NaN, 50, 50, 50]);
  });

  it('is 100 on a strictly rising series and 0 on a strictly falling one', () => {
    // Arrange
    const rising = series(1, 2, 3, 5, 8, 13, 21);
    const falling = series(21, 13, 8, 5, 3, 2, 1);
    // Act
    const up = rsi(rising, 3);
    const down = rsi(falling, 3);
    // Assert: the average loss (gain) stays exactly 0
    expectSeriesIdentical(up, [NaN, NaN, NaN, 100, 100, 100, 100]);
    expectSeriesIdentical(down, [NaN, NaN, NaN, 0, 0, 0, 0]);
  });

  it('depends on where history starts (a recursive filter over the whole run)', () => {
    // Arrange: the same last 4 closes, with and without an older drop before them
    const long = series(20, 10, 11, 12, 13);
    const short = series(10, 11, 12, 13);
    // Act
    const fromLong = rsi(long, 2).at(-1)!;
    const fromShort = rsi(short, 2).at(-1)!;
    // Assert: the short history never saw a loss; the long one still remembers the −10
    expect(fromShort).toBe(100);
    expect(fromLong).toBeLessThan(100);
  });
});
