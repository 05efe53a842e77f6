import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../decimal.ts';
import { BookInvariantError } from './errors.ts';
import { applyFill, applyFills } from './fills.ts';
import type { BookState } from './types.ts';

const book = (cash: string, positions: BookState['positions'] = []): BookState => ({
  bookId: 'strategy#alpha',
  cash,
  positions,
});

describe('applyFill', () => {
  it('adds a buy at average cost, cash down by the exact notional plus fee', () => {
    // Arrange
    const b = book('1000');
    // Act
    const r = applyFill(b, { symbol: 'SPY', side: 'buy', qty: '0.123456789', price: '512.37', fee: '0.01' });
    // Assert: 0.123456789 × 512.37 = 63.25555497993 exactly
    expect(r.book.cash).toBe('936.73444502007');
    expect(r.book.positions).toEqual([{ symbol: 'SPY', qty: '0.123456789', costBasis: '63.26555497993' }]);
    expect(r.realizedPnl).toBe('0');
  });

  it('realizes P&L on a partial sell against the average cost (cost removed rounded down to cents)', () => {
    // Arrange: 3 shares for 100.00 total (average 33.333…)
    const b = book('0', [{ symbol: 'QQQ', qty: '3', costBasis: '100' }]);
    // Act
    const r = applyFill(b, { symbol: 'QQQ', side: 'sell', qty: '1', price: '40' });
    // Assert: cost removed floor(33.333…) = 33.33; realized 40 − 33.33 = 6.67
    expect(r.costBasisRemoved).toBe('33.33');
    expect(r.realizedPnl).toBe('6.67');
    expect(r.book.cash).toBe('40');
    expect(r.book.positions).toEqual([{ symbol: 'QQQ', qty: '2', costBasis: '66.67' }]);
  });

  it('removes all the cost basis and the holding on a full exit', () => {
    // Arrange
    const b = book('5', [
      { symbol: 'AAA', qty: '1.5', costBasis: '15.015' },
      { symbol: 'BBB', qty: '2', costBasis: '10' },
    ]);
    // Act
    const r = applyFill(b, { symbol: 'AAA', side: 'sell', qty: '1.5', price: '9', fee: '0.02' });
    // Assert: proceeds 13.5 − fee 0.02 − cost 15.015 = −1.535
    expect(r.realizedPnl).toBe('-1.535');
    expect(r.book.cash).toBe('18.48');
    expect(r.book.positions).toEqual([{ symbol: 'BBB', qty: '2', costBasis: '10' }]);
  });

  it('keeps 50 significant digits: large quantities times prices are exact', () => {
    // Arrange
    const b = book('0');
    // Act
    const r = applyFill(b, { symbol: 'X', side: 'buy', qty: '98765432.123456789', price: '12345.6789' });
    // Assert
    expect(r.book.cash).toBe('-1219326311415.9426750190521');
  });

  it('is not idempotent by itself: applying a fill twice applies it twice', () => {
    // Arrange
    const fill = { symbol: 'SPY', side: 'buy', qty: '1', price: '10' } as const;
    // Act
    const twice = applyFills(book('100'), [fill, fill]);
    // Assert: the ledger, not this function, must de-duplicate
    expect(twice.book.cash).toBe('80');
    expect(twice.book.positions[0]?.qty).toBe('2');
  });

  it('refuses to sell more than the book holds', () => {
    // Arrange
    const b = book('0', [{ symbol: 'SPY', qty: '1', costBasis: '10' }]);
    // Act
    const act = () => applyFill(b, { symbol: 'SPY', side: 'sell', qty: '1.000000001', price: '10' });
    // Assert
    expect(act).toThrow(BookInvariantError);
  });

  it('rejects a non-positive qty or price and more than 9 decimals', () => {
    // Arrange
    const b = book('0');
    // Act / Assert
    expect(() => applyFill(b, { symbol: 'S', side: 'buy', qty: '0', price: '1' })).toThrow(
      BookInvariantError,
    );
    expect(() => applyFill(b, { symbol: 'S', side: 'buy', qty: '1', price: '0' })).toThrow(
      BookInvariantError,
    );
    expect(() => applyFill(b, { symbol: 'S', side: 'buy', qty: '0.0000000001', price: '1' })).toThrow(
      BookInvariantError,
    );
  });
});

describe('applyFill (properties)', () => {
  it('is exact: after buying and fully selling, the cash change equals the realized P&L', () => {
    const qty = fc.integer({ min: 1, max: 10 ** 13 }).map((n) => dec(String(n)).div(1e9).toFixed());
    const px = fc.integer({ min: 1, max: 10 ** 7 }).map((n) => dec(String(n)).div(1e4).toFixed());
    const fee = fc.integer({ min: 0, max: 100 }).map((n) => dec(String(n)).div(100).toFixed());
    fc.assert(
      fc.property(
        fc.array(fc.record({ qty, price: px, fee }), { minLength: 1, maxLength: 5 }),
        px,
        (buys, exit) => {
          // Arrange
          const start = book('123.45');
          const bought = applyFills(
            start,
            buys.map((b) => ({ symbol: 'SPY', side: 'buy' as const, ...b })),
          ).book;
          // Act
          const held = bought.positions[0]!.qty;
          const sold = applyFill(bought, { symbol: 'SPY', side: 'sell', qty: held, price: exit });
          // Assert
          expect(sold.book.positions).toEqual([]);
          expect(dec(sold.book.cash).minus(start.cash).toFixed()).toBe(dec(sold.realizedPnl).toFixed());
          expect(sold.costBasisRemoved).toBe(bought.positions[0]!.costBasis);
        },
      ),
      { numRuns: 250, seed: 606 },
    );
  });
});
