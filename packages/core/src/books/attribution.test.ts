import { describe, expect, it } from 'vitest';
import { dec } from '../decimal.ts';
import { assertShares, attributeOrder, memberValues, normalizeShares } from './attribution.ts';
import { BookInvariantError } from './errors.ts';

describe('normalizeShares', () => {
  it('sums to exactly 1, the residue going to the largest share', () => {
    // Arrange / Act
    const s = normalizeShares({ a: dec('1'), b: dec('1'), c: dec('1') });
    // Assert
    expect(s).toEqual({ a: '0.333333333333333334', b: '0.333333333333333333', c: '0.333333333333333333' });
    expect(() => assertShares(s)).not.toThrow();
  });

  it('rejects negative weights', () => {
    // Arrange / Act / Assert
    expect(() => normalizeShares({ a: dec('-1'), b: dec('2') })).toThrow(BookInvariantError);
    expect(() => assertShares({ a: '0.5', b: '0.4' })).toThrow(BookInvariantError);
  });
});

describe('attributeOrder', () => {
  it('splits an order by signed contribution; a netted member gets a negative share', () => {
    // Arrange: beta wants +10 shares, gamma −4: the pool buys the net 6
    const order = { symbol: 'SPY', side: 'buy', qty: '6' } as const;
    // Act
    const a = attributeOrder(order, { beta: dec('10'), gamma: dec('-4') }, { beta: '0.5', gamma: '0.5' });
    // Assert
    expect(a.contributions).toEqual([
      { strategyId: 'beta', share: '1.666666666667', qty: '10' },
      { strategyId: 'gamma', share: '-0.666666666667', qty: '-4' },
    ]);
  });

  it('keeps the attributed quantities summing to the order qty exactly', () => {
    // Arrange
    const order = { symbol: 'QQQ', side: 'sell', qty: '1.000000001' } as const;
    // Act
    const a = attributeOrder(order, { a: dec('1'), b: dec('1'), c: dec('1') }, {});
    // Assert
    const total = a.contributions.reduce((s, c) => s.plus(c.qty), dec('0'));
    expect(total.toFixed()).toBe('1.000000001');
  });

  it('falls back to the pool shares when contributions cancel out', () => {
    // Arrange / Act
    const a = attributeOrder(
      { symbol: 'X', side: 'buy', qty: '4' },
      { a: dec('0'), b: dec('0') },
      { a: '0.75', b: '0.25' },
    );
    // Assert
    expect(a.contributions.map((c) => c.qty)).toEqual(['3', '1']);
  });
});

describe('memberValues', () => {
  it('values each member as share × pool NAV', () => {
    // Arrange / Act / Assert
    expect(memberValues({ a: '0.25', b: '0.75' }, '1000')).toEqual({ a: '250', b: '750' });
  });
});
