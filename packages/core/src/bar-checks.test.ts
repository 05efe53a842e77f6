import { describe, expect, it } from 'vitest';
import { barProblem } from './bar-checks.ts';
import { sessionsBetween } from './calendar/nyse.ts';
import type { BarSeries } from './market.ts';
import { RailSettings } from './rails.ts';

const SANITY = RailSettings.parse({});
const DAY = '2025-11-28';
/** 30 sessions to DAY, closes drifting ±1 % around 100, high/low 1 % either side. */
const series = (
  edit: (closes: number[], highs: number[], lows: number[], dates: string[]) => void = () => {},
) => {
  const dates = sessionsBetween('2025-10-15', DAY).map((d) => d.date);
  const closes = dates.map((_, i) => 100 * (1 + (i % 2 === 0 ? 0.01 : -0.01)));
  const highs = closes.map((c) => c * 1.01);
  const lows = closes.map((c) => c * 0.99);
  edit(closes, highs, lows, dates);
  return {
    symbol: 'X',
    dates,
    closes: Float64Array.from(closes),
    highs: Float64Array.from(highs),
    lows: Float64Array.from(lows),
  } satisfies BarSeries;
};
const last = (a: number[]) => a.length - 1;

describe('barProblem', () => {
  it('passes ordinary bars, and bars without highs and lows', () => {
    expect(barProblem(series(), DAY, SANITY)).toBeNull();
    const { highs: _h, lows: _l, ...closeOnly } = series();
    expect(barProblem(closeOnly, DAY, SANITY)).toBeNull();
  });

  it('names a missing symbol, a close that is not a price, a gap and stale bars', () => {
    expect(barProblem(undefined, DAY, SANITY)).toEqual({ kind: 'missing', detail: 'no bars' });
    for (const bad of [Number.NaN, 0, -3, Number.POSITIVE_INFINITY]) {
      expect(
        barProblem(
          series((c) => (c[10] = bad)),
          DAY,
          SANITY,
        )?.kind,
      ).toBe('invalid');
    }
    const gap = series((c, h, l, d) => {
      for (const a of [c, h, l, d]) a.splice(20, 1);
    });
    expect(barProblem(gap, DAY, SANITY)).toEqual({
      kind: 'gap',
      detail: 'no bar on 2025-11-12 (between 2025-11-11 and 2025-11-13)',
    });
    expect(barProblem(series(), '2025-12-01', SANITY)).toEqual({
      kind: 'stale',
      detail: 'last bar 2025-11-28',
    });
  });

  it('suspects the day’s price: 100× the close, 1e-300, a close outside the day’s range', () => {
    const times100 = series((c, h, l) => {
      for (const a of [c, h, l]) a[last(a)]! *= 100;
    });
    expect(barProblem(times100, DAY, SANITY)).toMatchObject({
      kind: 'suspect',
      detail:
        'close 9900 on 2025-11-28 after 101 (+9702.0%) moved 153 times the 20-session average range of 3.0% (limit 50: rails.priceMoveMaxRanges)',
    });
    const tiny = series((c, h, l) => {
      for (const a of [c, h, l]) a[last(a)] = 1e-300;
    });
    expect(barProblem(tiny, DAY, SANITY)).toEqual({
      kind: 'suspect',
      detail: 'close 1e-300 on 2025-11-28 is not a believable price',
    });
    const outside = series((c) => (c[last(c)] = 103));
    expect(barProblem(outside, DAY, SANITY)?.detail).toBe(
      "close 103 on 2025-11-28 is outside the day's range 98.01–99.99",
    );
  });

  it('judges the move against the symbol’s own range, with the configured multiple', () => {
    // +50 % on a symbol ranging ~3 % a day: ln(1.5)/0.03 ≈ 13 ranges — fine at 50, suspect at 10.
    const jump = series((c, h, l) => {
      for (const a of [c, h, l]) a[last(a)]! *= 1.5;
    });
    expect(barProblem(jump, DAY, SANITY)).toBeNull();
    expect(barProblem(jump, DAY, { ...SANITY, priceMoveMaxRanges: 10 })?.kind).toBe('suspect');
    // A new listing (fewer than 5 earlier sessions) is not judged on its move.
    const young = series((c, h, l, d) => {
      for (const a of [c, h, l, d]) a.splice(0, a.length - 4);
      c[3]! *= 100;
      h[3]! *= 100;
      l[3]! *= 100;
    });
    expect(barProblem(young, DAY, SANITY)).toBeNull();
  });
});
