import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSeriesIdentical, randomWalk } from '../testing/indicators.ts';
import { computeIndicator, INDICATOR_NAMES } from './index.ts';
import { IndicatorSeries } from './series.ts';

/** A random walk with NaN gaps (several runs, one of them shorter than most windows) and flat stretches. */
function gappy(seed: number): Float64Array {
  const xs = randomWalk(seed, 300);
  for (let t = 0; t < 12; t++) xs[t] = Number.NaN; // starts late
  for (let t = 120; t < 123; t++) xs[t] = Number.NaN; // a gap
  for (let t = 130; t < 132; t++) xs[t] = Number.NaN; // a short run 123..129 in between
  for (let t = 200; t < 215; t++) xs[t] = 150; // flat
  return xs;
}

describe('IndicatorSeries', () => {
  it('reads, session by session in any order, exactly the values of computeIndicator', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INDICATOR_NAMES),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer({ min: 0, max: 299 }), { maxLength: 60 }),
        (name, window, seed, order) => {
          // Arrange
          const xs = gappy(seed);
          const want = computeIndicator(name, xs, window);
          const lazy = IndicatorSeries.of(name, xs, window);
          // Act: scattered reads first, then everything
          const scattered = order.map((t) => lazy.at(t));
          // Assert (bit for bit, NaN where there is no value)
          expectSeriesIdentical(
            scattered,
            order.map((t) => want[t]!),
          );
          expectSeriesIdentical(lazy.all(), want);
        },
      ),
      { seed: 20261121, numRuns: 300 },
    );
  });

  it('rejects a window that is not a positive integer, as computeIndicator does', () => {
    // Arrange
    const xs = randomWalk(1, 10);
    // Act / Assert
    expect(() => IndicatorSeries.of('moving-average-price', xs, 0)).toThrow(RangeError);
    expect(() => IndicatorSeries.of('rsi', xs, 1.5)).toThrow(RangeError);
  });
});
