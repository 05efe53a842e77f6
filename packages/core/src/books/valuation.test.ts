import { describe, expect, it } from 'vitest';
import { PriceInvalidError } from './errors.ts';
import { bookTotals, valueBook } from './valuation.ts';

describe('valueBook', () => {
  it('marks positions to market and sums NAV and unrealized P&L', () => {
    // Arrange
    const book = {
      bookId: 'pool',
      cash: '100.5',
      positions: [
        { symbol: 'SPY', qty: '2', costBasis: '800' },
        { symbol: 'BIL', qty: '0.5', costBasis: '45' },
      ],
    };
    // Act
    const v = valueBook(book, { SPY: '450', BIL: '91.5', UNUSED: '1' });
    // Assert
    expect(v.marketValue).toBe('945.75');
    expect(v.nav).toBe('1046.25');
    expect(v.unrealizedPnl).toBe('100.75');
    expect(v.positions.map((p) => [p.symbol, p.marketValue, p.unrealizedPnl])).toEqual([
      ['BIL', '45.75', '0.75'],
      ['SPY', '900', '100'],
    ]);
    expect(v.positions[1]?.weight).toBe('0.860215053763');
  });

  it('fails closed on a missing, zero or negative price of a held symbol', () => {
    // Arrange
    const book = { bookId: 'pool', cash: '0', positions: [{ symbol: 'SPY', qty: '1', costBasis: '1' }] };
    // Act / Assert
    expect(() => valueBook(book, {})).toThrow(PriceInvalidError);
    expect(() => valueBook(book, { SPY: '0' })).toThrow(PriceInvalidError);
    expect(() => valueBook(book, { SPY: '-1' })).toThrow(PriceInvalidError);
    expect(() => valueBook(book, { SPY: 'abc' })).toThrow(PriceInvalidError);
  });

  it('needs no price for a cash-only book', () => {
    // Arrange / Act
    const v = valueBook({ bookId: 'pool', cash: '12.34', positions: [] }, {});
    // Assert
    expect(v.nav).toBe('12.34');
  });
});

describe('bookTotals', () => {
  it("has valueBook's cash, market value and NAV, and its failures", () => {
    // Arrange: a zero position (not priced), two held ones.
    const book = {
      bookId: 'pool',
      cash: '100.5',
      positions: [
        { symbol: 'SPY', qty: '2', costBasis: '800' },
        { symbol: 'GLD', qty: '0', costBasis: '0' },
        { symbol: 'BIL', qty: '0.5', costBasis: '45' },
      ],
    };
    const prices = { SPY: '450', BIL: '91.5' };
    // Act
    const t = bookTotals(book, prices);
    const v = valueBook(book, prices);
    // Assert
    expect([t.cash, t.marketValue, t.nav].map(String)).toEqual([v.cash, v.marketValue, v.nav]);
    expect(() => bookTotals(book, { SPY: '450' })).toThrow(PriceInvalidError);
  });
});
