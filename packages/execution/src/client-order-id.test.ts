import { bookOf, POOL_BOOK } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { clientOrderId, MAX_CLIENT_ORDER_ID_LENGTH, parseClientOrderId } from './client-order-id.ts';
import { ExecutionInputInvalidError } from './errors.ts';

const base = {
  tradingDay: '2025-01-02',
  stage: 'rebalance',
  bookId: bookOf('tqqq-ftlt'),
  symbol: 'TQQQ',
  side: 'buy' as const,
  leg: 1,
};

describe('clientOrderId', () => {
  it('follows the documented scheme', () => {
    expect(clientOrderId(base)).toBe('ens_2025-01-02_rebalance_s-tqqq-ftlt_TQQQ_b_1');
    expect(clientOrderId({ ...base, bookId: POOL_BOOK, symbol: 'GLD', side: 'sell' })).toBe(
      'ens_2025-01-02_rebalance_pool_GLD_s_1',
    );
  });

  it('is deterministic and differs in every part', () => {
    // Arrange
    const variants = [
      base,
      { ...base, tradingDay: '2025-01-03' },
      { ...base, stage: 'close' },
      { ...base, bookId: bookOf('other') },
      { ...base, bookId: POOL_BOOK },
      { ...base, bookId: bookOf('pool') },
      { ...base, symbol: 'SPY' },
      { ...base, side: 'sell' as const },
      { ...base, leg: 2 },
    ];
    // Act
    const ids = variants.map(clientOrderId);
    // Assert
    expect(clientOrderId({ ...base })).toBe(ids[0]);
    expect(new Set(ids).size).toBe(variants.length);
  });

  it('stays within 128 Alpaca-safe characters at the longest parts, and parses back', () => {
    // Arrange: every part at its maximum length
    const longest = {
      tradingDay: '2025-12-31',
      stage: 's'.repeat(20),
      bookId: bookOf(`a${'-'.repeat(61)}z`),
      symbol: 'BRK.B1234567',
      side: 'sell' as const,
      leg: 99,
    };
    // Act
    const id = clientOrderId(longest);
    // Assert
    expect(id.length).toBeLessThanOrEqual(MAX_CLIENT_ORDER_ID_LENGTH);
    expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(parseClientOrderId(id)).toEqual(longest);
    expect(parseClientOrderId(clientOrderId({ ...base, bookId: POOL_BOOK }))).toEqual({
      ...base,
      bookId: POOL_BOOK,
    });
  });

  it('refuses parts that would break the scheme', () => {
    for (const bad of [
      { ...base, stage: 'Has_Underscore' },
      { ...base, stage: 's'.repeat(21) },
      { ...base, symbol: 'tqqq' },
      { ...base, symbol: 'BTC/USD' },
      { ...base, tradingDay: '2025-1-2' },
      { ...base, leg: 0 },
      { ...base, leg: 1.5 },
      { ...base, bookId: 'strategy#Bad' as never },
    ]) {
      expect(() => clientOrderId(bad)).toThrow(ExecutionInputInvalidError);
    }
    expect(parseClientOrderId('something-else')).toBeNull();
  });
});
