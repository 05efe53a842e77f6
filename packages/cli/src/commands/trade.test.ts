import { isTradingDay } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { tradingDays } from './trade.ts';

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
