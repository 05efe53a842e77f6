import { isTradingDay } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { assertWithinBundledData, tradingDays } from './trade.ts';

describe('tradingDays (--date, --days)', () => {
  it('runs N sessions from the date, over weekends and holidays', async () => {
    expect(await tradingDays('2025-11-24', 4)).toEqual([
      '2025-11-24',
      '2025-11-25',
      '2025-11-26',
      '2025-11-28',
    ]);
  });

  it('runs a closed date when asked for that one day (it is SKIPPED)', async () => {
    expect(isTradingDay('2025-11-27')).toBe(false);
    expect(await tradingDays('2025-11-27', 1)).toEqual(['2025-11-27']);
  });

  it('runs a closed start date first but does not count it among N sessions', async () => {
    expect(await tradingDays('2025-11-27', 3)).toEqual([
      '2025-11-27',
      '2025-11-28',
      '2025-12-01',
      '2025-12-02',
    ]);
    expect(await tradingDays('2025-11-29', 2)).toEqual(['2025-11-29', '2025-12-01', '2025-12-02']);
  });
});

describe('days past the bundled data', () => {
  it('are refused before running, naming where the data ends and how many sessions fit', async () => {
    // Arrange: 4 sessions from 2025-11-26 reach 2025-12-02, one past a data set ending on 2025-12-01.
    const days = await tradingDays('2025-11-26', 4);
    // Act / Assert
    expect(() => assertWithinBundledData(days, '2025-12-01')).toThrow(
      'the bundled market data ends on 2025-12-01: 2025-11-26 … 2025-12-02 reaches past it (3 of the sessions asked for fit: use --days 3)',
    );
    expect(() => assertWithinBundledData(['2025-12-05'], '2025-12-01')).toThrow(
      'the bundled market data ends on 2025-12-01: --date 2025-12-05 reaches past it (pick an earlier --date)',
    );
    expect(() => assertWithinBundledData(days.slice(0, 3), '2025-12-01')).not.toThrow();
  });
});
