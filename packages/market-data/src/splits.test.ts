import type { BarSeries, MarketData } from '@ensemble/core';
import { Split } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { withSplits } from './splits.ts';

const bars: BarSeries = {
  symbol: 'TQQQ',
  dates: ['2025-11-18', '2025-11-19', '2025-11-20'],
  closes: Float64Array.from([100, 102, 104]),
};
const data: MarketData = {
  async loadBars(q) {
    const keep = bars.dates.filter((d) => q.to === undefined || d <= q.to).length;
    return new Map([
      ['TQQQ', { ...bars, dates: bars.dates.slice(0, keep), closes: bars.closes.slice(0, keep) }],
    ]);
  },
};

describe('withSplits', () => {
  it('shows the whole series split-adjusted as of the ex-date on, and unchanged before', async () => {
    // Arrange: a 2-for-1 split of TQQQ on 2025-11-20.
    const split = Split.parse({
      kind: 'split',
      symbol: 'TQQQ',
      exDate: '2025-11-20',
      newRate: '2',
      oldRate: '1',
    });
    const view = withSplits(data, [split]);
    // Act
    const before = await view.loadBars({ symbols: ['TQQQ'], to: '2025-11-19' });
    const after = await view.loadBars({ symbols: ['TQQQ'], to: '2025-11-20' });
    // Assert
    expect([...(before.get('TQQQ')?.closes ?? [])]).toEqual([100, 102]);
    expect([...(after.get('TQQQ')?.closes ?? [])]).toEqual([50, 51, 52]);
  });
});
