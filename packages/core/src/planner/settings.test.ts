import { describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../errors.ts';
import { isoWeek, isRebalanceDue } from './schedule.ts';
import { parsePlannerSettings, settingsFromStrategy } from './settings.ts';

describe('settingsFromStrategy', () => {
  it('maps :rebalance-threshold to a corridor and keeps the defaults', () => {
    // Arrange / Act
    const s = settingsFromStrategy({ rebalanceThreshold: 0.05 });
    // Assert
    expect(s).toEqual({
      rebalance: { kind: 'threshold', threshold: '0.05' },
      minTradeNotional: '5',
      cashBuffer: '0',
    });
  });

  it('maps :rebalance-frequency, defaults to daily, refuses both', () => {
    // Arrange / Act / Assert
    expect(settingsFromStrategy({ rebalanceFrequency: 'weekly' }).rebalance).toEqual({
      kind: 'frequency',
      frequency: 'weekly',
    });
    expect(settingsFromStrategy({}).rebalance).toEqual({ kind: 'frequency', frequency: 'daily' });
    expect(() => settingsFromStrategy({ rebalanceThreshold: 0.1, rebalanceFrequency: 'daily' })).toThrow(
      ConfigInvalidError,
    );
  });

  it("refuses a minimum notional below Alpaca's $1", () => {
    // Arrange / Act / Assert
    expect(() => parsePlannerSettings({ minTradeNotional: '0.5' })).toThrow(ConfigInvalidError);
  });
});

describe('isRebalanceDue', () => {
  it('uses calendar periods', () => {
    // Arrange / Act / Assert
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isRebalanceDue('monthly', '2024-06-28', '2024-06-03')).toBe(false);
    expect(isRebalanceDue('monthly', '2024-07-01', '2024-06-28')).toBe(true);
    expect(isRebalanceDue('quarterly', '2024-06-28', '2024-04-01')).toBe(false);
    expect(isRebalanceDue('yearly', '2025-01-02')).toBe(true);
    expect(isRebalanceDue('none', '2025-01-02')).toBe(false);
  });
});
