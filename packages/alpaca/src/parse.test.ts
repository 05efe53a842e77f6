import { ErrorNames } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { normalizeStatus, toAccount, toOrder, WireAccount, WireOrder } from './parse.ts';
import { validateDailyBars } from './validate.ts';

describe('lenient parsing of Alpaca objects', () => {
  it('reads an account without the dropped PDT fields and with unknown extra fields; money → decimal strings', () => {
    const wire = {
      equity: '100250.50',
      cash: '250.5',
      buying_power: 1000.25,
      trading_blocked: false,
      brand_new_field: { x: 1 },
    };
    expect(toAccount(WireAccount.parse(wire))).toEqual({
      equity: '100250.5',
      cash: '250.5',
      buyingPower: '1000.25',
      tradingBlocked: false,
    });
  });

  it('refuses a money field that is not a decimal (validate what we use)', () => {
    expect(WireAccount.safeParse({ equity: 'NaN', cash: '1', buying_power: '1' }).success).toBe(false);
    expect(WireAccount.safeParse({ cash: '1', buying_power: '1' }).success).toBe(false);
  });

  it.each([
    ['new', '0', 'accepted'],
    ['pending_new', '0', 'accepted'],
    ['accepted', '0', 'accepted'],
    ['held', '0', 'accepted'],
    ['pending_cancel', '3', 'partially_filled'],
    ['partially_filled', '3', 'partially_filled'],
    ['filled', '5', 'filled'],
    ['done_for_day', '0', 'expired'],
    ['expired', '0', 'expired'],
    ['canceled', '0', 'canceled'],
    ['replaced', '0', 'canceled'],
    ['rejected', '0', 'rejected'],
    ['some_future_status', '0', 'accepted'],
  ])('normalizes status %s (filled %s) to %s', (status, filled, expected) => {
    expect(normalizeStatus(status, filled)).toBe(expected);
  });

  it('reads an order: notional order without qty, null timestamps fall back, no fees field → "0"', () => {
    const order = toOrder(
      WireOrder.parse({
        id: 'o1',
        client_order_id: 'c1',
        symbol: 'BRK.B',
        side: 'buy',
        qty: null,
        notional: '500.00',
        status: 'new',
        filled_qty: '0',
        filled_avg_price: null,
        created_at: '2025-11-26T20:45:00Z',
        submitted_at: null,
        updated_at: null,
      }),
    );
    expect(order).toEqual({
      id: 'o1',
      clientOrderId: 'c1',
      symbol: 'BRK/B',
      side: 'buy',
      notional: '500',
      status: 'accepted',
      filledQty: '0',
      filledAvgPrice: null,
      fees: '0',
      submittedAt: '2025-11-26T20:45:00Z',
      updatedAt: '2025-11-26T20:45:00Z',
    });
  });
});

describe('validateDailyBars', () => {
  const sessions = ['2025-11-20', '2025-11-21', '2025-11-24', '2025-11-25', '2025-11-26'];
  const bar = (date: string, close = 10) => ({ date, close });

  it('accepts a series that starts late (a new listing) and ends on the expected session', () => {
    const r = validateDailyBars(
      'X',
      [bar('2025-11-24'), bar('2025-11-25'), bar('2025-11-26', 11)],
      sessions,
      '2025-11-26',
    );
    expect(r).toEqual({
      symbol: 'X',
      dates: ['2025-11-24', '2025-11-25', '2025-11-26'],
      closes: new Float64Array([10, 10, 11]),
      highs: new Float64Array([Number.NaN, Number.NaN, Number.NaN]),
      lows: new Float64Array([Number.NaN, Number.NaN, Number.NaN]),
    });
  });

  it('ignores bars after the expected session (no look-ahead)', () => {
    const r = validateDailyBars(
      'X',
      [bar('2025-11-24'), bar('2025-11-25'), bar('2025-11-26')],
      sessions,
      '2025-11-25',
    );
    expect(r).toMatchObject({ dates: ['2025-11-24', '2025-11-25'] });
  });

  it.each([
    [
      'stale',
      [bar('2025-11-24'), bar('2025-11-25')],
      ErrorNames.MissingData,
      /stale data: last bar 2025-11-25/,
    ],
    [
      'a gap',
      [bar('2025-11-21'), bar('2025-11-25'), bar('2025-11-26')],
      ErrorNames.MarketDataInvalid,
      /missing between 2025-11-21 and 2025-11-25 \(first: 2025-11-24\)/,
    ],
    [
      'a weekend bar',
      [bar('2025-11-21'), bar('2025-11-22'), bar('2025-11-24'), bar('2025-11-25'), bar('2025-11-26')],
      ErrorNames.MarketDataInvalid,
      /2025-11-22, which is not a session/,
    ],
    [
      'a repeated bar',
      [bar('2025-11-25'), bar('2025-11-25'), bar('2025-11-26')],
      ErrorNames.MarketDataInvalid,
      /out of order or repeated/,
    ],
    [
      'a zero close',
      [bar('2025-11-25', 0), bar('2025-11-26')],
      ErrorNames.MarketDataInvalid,
      /close 0 on 2025-11-25/,
    ],
    ['a negative low', [{ date: '2025-11-26', close: 5, low: -1 }], ErrorNames.MarketDataInvalid, /low -1/],
    ['no bars', [], ErrorNames.MissingData, /no bars/],
  ])('refuses %s, naming the symbol', (_, bars, name, message) => {
    const r = validateDailyBars('XYZ', bars, sessions, '2025-11-26');
    expect(r).toMatchObject({ name, symbol: 'XYZ' });
    expect((r as Error).message).toMatch(message);
  });
});
