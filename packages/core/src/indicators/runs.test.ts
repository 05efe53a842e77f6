import { describe, expect, it } from 'vitest';
import { expectSeriesIdentical, series } from '../testing/indicators.ts';
import { forEachRun, nanArray } from './runs.ts';

const runsOf = (xs: Float64Array): [number, number][] => {
  const runs: [number, number][] = [];
  forEachRun(xs, (start, end) => runs.push([start, end]));
  return runs;
};

describe('forEachRun', () => {
  it('visits each maximal run of non-NaN values', () => {
    // Arrange: leading NaNs, a gap of two, a single value, trailing NaN
    const xs = series(NaN, 1, 2, NaN, NaN, 3, 4, 5, NaN, 6, NaN);
    // Act
    const runs = runsOf(xs);
    // Assert
    expect(runs).toEqual([
      [1, 3],
      [5, 8],
      [9, 10],
    ]);
  });

  it('visits nothing in an empty or all-NaN series', () => {
    // Arrange / Act / Assert
    expect(runsOf(series())).toEqual([]);
    expect(runsOf(series(NaN, NaN))).toEqual([]);
  });
});

describe('nanArray', () => {
  it('is all NaN', () => {
    // Arrange / Act / Assert
    expectSeriesIdentical(nanArray(3), [NaN, NaN, NaN]);
  });
});
