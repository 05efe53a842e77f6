import { describe, expect, it } from 'vitest';
import {
  CorporateAction,
  dividendTransfers,
  inferSplit,
  Split,
  splitTransfers,
} from './corporate-actions.ts';
import { applyTransfers } from './transfers.ts';
import type { BookState } from './types.ts';
import { valueBook } from './valuation.ts';

const split = (newRate: string, oldRate: string) =>
  Split.parse({ kind: 'split', symbol: 'TQQQ', exDate: '2025-11-20', newRate, oldRate });

describe('splitTransfers', () => {
  it('issues each holding book its new shares, keeping its cost basis and its value', () => {
    // Arrange: a 2-for-1 split; the pool holds 10.5 TQQQ, strategy#a 3 (cost 300), the price 100 → 50.
    const books: Record<string, BookState> = {
      pool: { bookId: 'pool', cash: '0', positions: [{ symbol: 'TQQQ', qty: '10.5', costBasis: '1000' }] },
      'strategy#a': {
        bookId: 'strategy#a',
        cash: '5',
        positions: [{ symbol: 'TQQQ', qty: '3', costBasis: '300' }],
      },
    };
    const holders = [
      { bookId: 'strategy#a', qty: '3' },
      { bookId: 'pool', qty: '10.5' },
    ];
    // Act
    const t = splitTransfers(split('2', '1'), holders);
    const after = applyTransfers(books, t);
    // Assert
    expect(t).toEqual([
      { kind: 'position', from: 'external', to: 'pool', symbol: 'TQQQ', qty: '10.5', costBasis: '0' },
      { kind: 'position', from: 'external', to: 'strategy#a', symbol: 'TQQQ', qty: '3', costBasis: '0' },
    ]);
    expect(after.pool?.positions).toEqual([{ symbol: 'TQQQ', qty: '21', costBasis: '1000' }]);
    expect(valueBook(after['strategy#a']!, { TQQQ: '50' }).nav).toBe(
      valueBook(books['strategy#a']!, { TQQQ: '100' }).nav,
    );
  });

  it('cancels shares in a reverse split, rounding each book down (whole shares when asked)', () => {
    // Arrange: 1-for-3 of 10 shares.
    const holders = [{ bookId: 'strategy#a', qty: '10' }];
    // Act / Assert
    expect(splitTransfers(split('1', '3'), holders)).toEqual([
      {
        kind: 'position',
        from: 'strategy#a',
        to: 'external',
        symbol: 'TQQQ',
        qty: '6.666666667',
        costBasis: '0',
      },
    ]);
    expect(splitTransfers(split('1', '3'), holders, true)[0]?.qty).toBe('7');
  });
});

describe('dividendTransfers', () => {
  it('pays each holder qty × rate, rounded down to cents, from outside the account', () => {
    // 13.333333333 × 1.83 = 24.3999…: the account is paid 24.39, the books 18.30 + 6.09.
    const dividend = CorporateAction.parse({
      kind: 'dividend',
      symbol: 'SPY',
      exDate: '2025-09-19',
      rate: '1.83',
    });
    if (dividend.kind !== 'dividend') throw new Error('unreachable');
    expect(
      dividendTransfers(dividend, [
        { bookId: 'strategy#b', qty: '3.333333333' },
        { bookId: 'pool', qty: '10' },
        { bookId: 'strategy#c', qty: '0' },
      ]),
    ).toEqual([
      { kind: 'cash', from: 'external', to: 'pool', amount: '18.3' },
      { kind: 'cash', from: 'external', to: 'strategy#b', amount: '6.09' },
    ]);
  });
});

describe('dividendTransfers, the cents', () => {
  it('gives the cents the books round away to the largest holder: the credits add up to the payment', () => {
    // Arrange: 3 × 0.335 = 1.005 → 1.00 each; the account (9 shares) is paid 3.015 → 3.01.
    const dividend = CorporateAction.parse({
      kind: 'dividend',
      symbol: 'SPY',
      exDate: '2025-09-19',
      rate: '0.335',
    });
    if (dividend.kind !== 'dividend') throw new Error('unreachable');
    const holders = ['a', 'b', 'c'].map((x) => ({ bookId: `strategy#${x}`, qty: '3' }));
    // Act / Assert
    expect(dividendTransfers(dividend, holders).map((t) => [t.to, t.amount])).toEqual([
      ['strategy#a', '1.01'],
      ['strategy#b', '1'],
      ['strategy#c', '1'],
    ]);
  });
});

describe('inferSplit', () => {
  const base = { symbol: 'TQQQ', day: '2025-11-20', ledgerQty: '100', previousPrice: '100' };

  it('recognizes a round ratio confirmed by the price', () => {
    expect(inferSplit({ ...base, brokerQty: '200', price: '51' })).toMatchObject({
      newRate: '2',
      oldRate: '1',
      source: 'inferred',
      exDate: '2025-11-20',
    });
    expect(inferSplit({ ...base, brokerQty: '150', price: '66' })).toMatchObject({
      newRate: '3',
      oldRate: '2',
    });
    expect(inferSplit({ ...base, brokerQty: '10', price: '1000' })).toMatchObject({
      newRate: '1',
      oldRate: '10',
    });
  });

  it('guesses nothing when the ratio is not round or the price does not confirm it', () => {
    expect(inferSplit({ ...base, brokerQty: '137', price: '73' })).toBeNull();
    // Twice the shares but the same price: an order outside Ensemble, not a split.
    expect(inferSplit({ ...base, brokerQty: '200', price: '99' })).toBeNull();
    expect(inferSplit({ ...base, brokerQty: '100', price: '50' })).toBeNull();
  });
});
