import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSeriesIdentical, randomWalk } from '../testing/indicators.ts';
import { stdevPrice, stdevReturn } from './dispersion.ts';
import { maxDrawdown } from './drawdown.ts';
import {
  barsNeeded,
  computeIndicator,
  INDICATOR_NAMES,
  type IndicatorName,
  usesFullHistory,
} from './index.ts';
import { currentPrice, exponentialMovingAveragePrice, movingAveragePrice } from './moving.ts';
import { cumulativeReturn, movingAverageReturn } from './returns.ts';
import { rsi } from './rsi.ts';

// Prices with plateaus (small integers repeat often) and arbitrary doubles; NaN gaps in between.
const price = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.double({ min: 0.5, max: 1000, noNaN: true }));
const priceOrGap = fc.oneof({ arbitrary: price, weight: 6 }, { arbitrary: fc.constant(NaN), weight: 1 });
const seriesWithGaps = fc.array(priceOrGap, { minLength: 0, maxLength: 60 }).map((v) => Float64Array.from(v));
const window = fc.integer({ min: 1, max: 12 });
const RUNS = { numRuns: 150 };

/** Length of the run of non-NaN values ending at each index (0 on NaN days). */
function runLengths(xs: Float64Array): number[] {
  const lengths: number[] = [];
  let current = 0;
  for (const x of xs) {
    current = Number.isNaN(x) ? 0 : current + 1;
    lengths.push(current);
  }
  return lengths;
}

describe('INDICATOR_NAMES', () => {
  it('lists the nine indicators once each', () => {
    // Arrange / Act
    const names = new Set(INDICATOR_NAMES);
    // Assert
    expect(names.size).toBe(9);
    expect([...names].sort()).toEqual(
      [
        'current-price',
        'moving-average-price',
        'exponential-moving-average-price',
        'rsi',
        'cumulative-return',
        'moving-average-return',
        'stdev-return',
        'stdev-price',
        'max-drawdown',
      ].sort(),
    );
  });
});

describe('barsNeeded', () => {
  it('is 1, n or n + 1 by indicator', () => {
    // Arrange
    const expected: Record<IndicatorName, number> = {
      'current-price': 1,
      'moving-average-price': 10,
      'exponential-moving-average-price': 10,
      rsi: 11,
      'cumulative-return': 11,
      'moving-average-return': 11,
      'stdev-return': 11,
      'stdev-price': 10,
      'max-drawdown': 10,
    };
    // Act
    const actual = Object.fromEntries(INDICATOR_NAMES.map((name) => [name, barsNeeded(name, 10)]));
    // Assert
    expect(actual).toEqual(expected);
  });

  it.each([0, -1, 1.5, NaN, Number.POSITIVE_INFINITY])('rejects window %s', (bad) => {
    // Arrange / Act / Assert
    expect(() => barsNeeded('rsi', bad)).toThrow(RangeError);
    expect(() => computeIndicator('rsi', new Float64Array(3), bad)).toThrow(RangeError);
  });

  it('rejects an unknown indicator name', () => {
    // Arrange
    const name = 'macd' as IndicatorName;
    // Act / Assert
    expect(() => barsNeeded(name, 3)).toThrow(/unknown indicator/);
    expect(() => computeIndicator(name, new Float64Array(3), 3)).toThrow(/unknown indicator/);
  });
});

describe('usesFullHistory', () => {
  it('is true for the recursive filters only (rsi, ema)', () => {
    // Arrange / Act
    const full = INDICATOR_NAMES.filter(usesFullHistory);
    // Assert
    expect(full.sort()).toEqual(['exponential-moving-average-price', 'rsi']);
  });
});

describe('computeIndicator', () => {
  it('dispatches each name to its kernel', () => {
    // Arrange
    const xs = randomWalk(3, 40);
    const kernels: Record<IndicatorName, (xs: Float64Array, n: number) => Float64Array> = {
      'current-price': currentPrice,
      'moving-average-price': movingAveragePrice,
      'exponential-moving-average-price': exponentialMovingAveragePrice,
      rsi,
      'cumulative-return': cumulativeReturn,
      'moving-average-return': movingAverageReturn,
      'stdev-return': stdevReturn,
      'stdev-price': stdevPrice,
      'max-drawdown': maxDrawdown,
    };
    for (const name of INDICATOR_NAMES) {
      // Act
      const out = computeIndicator(name, xs, 5);
      // Assert
      expectSeriesIdentical(out, kernels[name](xs, 5));
    }
  });

  it('returns an empty series for an empty input and never mutates the input', () => {
    // Arrange
    const xs = randomWalk(5, 30);
    const before = Array.from(xs);
    for (const name of INDICATOR_NAMES) {
      // Act
      const empty = computeIndicator(name, new Float64Array(0), 3);
      computeIndicator(name, xs, 3);
      // Assert
      expect(empty.length).toBe(0);
      expect(Array.from(xs)).toEqual(before);
    }
  });
});

describe.each(INDICATOR_NAMES)('%s (properties)', (name) => {
  it('is defined exactly where the run holds barsNeeded values up to the day', () => {
    fc.assert(
      fc.property(seriesWithGaps, window, (xs, n) => {
        // Arrange
        const need = barsNeeded(name, n);
        const lengths = runLengths(xs);
        // Act
        const out = computeIndicator(name, xs, n);
        // Assert: (stdev-price with n = 1 has no degrees of freedom: NaN throughout)
        const noDof = name === 'stdev-price' && n === 1;
        const defined = Array.from(out, (v) => !Number.isNaN(v));
        expect(defined).toEqual(lengths.map((len) => len >= need && !noDof));
      }),
      RUNS,
    );
  });

  it('never looks ahead: changing values after t leaves out[0..t] unchanged', () => {
    fc.assert(
      fc.property(
        seriesWithGaps.filter((xs) => xs.length > 0),
        window,
        fc.nat(),
        fc.array(priceOrGap, { maxLength: 60 }),
        (xs, n, at, replacement) => {
          // Arrange
          const t = at % xs.length;
          const changed = xs.slice();
          for (let i = t + 1; i < changed.length; i++) changed[i] = replacement[i - t - 1] ?? NaN;
          // Act
          const before = computeIndicator(name, xs, n);
          const after = computeIndicator(name, changed, n);
          // Assert
          expectSeriesIdentical(after.subarray(0, t + 1), before.subarray(0, t + 1));
        },
      ),
      RUNS,
    );
  });

  it('treats each run between NaN gaps as an independent series', () => {
    fc.assert(
      fc.property(seriesWithGaps, window, (xs, n) => {
        // Arrange: compute every run on its own
        const expected = new Float64Array(xs.length).fill(NaN);
        let start = 0;
        for (let i = 0; i <= xs.length; i++) {
          if (i === xs.length || Number.isNaN(xs[i]!)) {
            if (i > start) expected.set(computeIndicator(name, xs.slice(start, i), n), start);
            start = i + 1;
          }
        }
        // Act
        const out = computeIndicator(name, xs, n);
        // Assert
        expectSeriesIdentical(out, expected);
      }),
      RUNS,
    );
  });

  it('starts a symbol that trades late at its first close (leading NaNs shift the output)', () => {
    fc.assert(
      fc.property(seriesWithGaps, window, fc.integer({ min: 1, max: 20 }), (xs, n, lead) => {
        // Arrange
        const late = new Float64Array(lead + xs.length).fill(NaN);
        late.set(xs, lead);
        // Act
        const out = computeIndicator(name, late, n);
        // Assert
        expectSeriesIdentical(out.subarray(0, lead), new Float64Array(lead).fill(NaN));
        expectSeriesIdentical(out.subarray(lead), computeIndicator(name, xs, n));
      }),
      RUNS,
    );
  });

  if (!usesFullHistory(name)) {
    it('depends only on the last barsNeeded closes', () => {
      fc.assert(
        fc.property(
          fc.array(price, { minLength: 1, maxLength: 60 }).map((v) => Float64Array.from(v)),
          window,
          (xs, n) => {
            // Arrange
            const need = barsNeeded(name, n);
            const t = xs.length - 1;
            // Act
            const full = computeIndicator(name, xs, n);
            const tail = computeIndicator(name, xs.slice(Math.max(0, t - need + 1)), n);
            // Assert
            expect(Object.is(full[t], tail.at(-1))).toBe(true);
          },
        ),
        RUNS,
      );
    });
  }
});
