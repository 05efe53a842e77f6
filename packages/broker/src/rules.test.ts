import { describe, expect, it } from 'vitest';
import { notionalFees, regulatoryFees } from './fees.ts';
import type { FillPriceSource } from './prices.ts';
import { makeBroker, order } from './testing/index.ts';

const named = (name: string) => expect.objectContaining({ name });

describe('SimBroker fills', () => {
  it('fills a qty buy at the session close and moves cash to the cent', async () => {
    // Arrange
    const { broker } = makeBroker({ startingCash: '10000' });
    // Act
    const filled = await broker.submitOrder(order('b1', 'SPY', 'buy', { qty: '1.234567891' }));
    // Assert
    expect(filled).toMatchObject({
      id: 'order-1',
      clientOrderId: 'b1',
      status: 'filled',
      filledQty: '1.234567891',
      filledAvgPrice: '500',
      fees: '0',
      qty: '1.234567891',
    });
    expect(await broker.getAccount()).toEqual({
      equity: '10000',
      cash: '9382.72', // 10000 − round(617.2839455, 2)
      buyingPower: '9382.72',
      tradingBlocked: false,
    });
    expect(await broker.listPositions()).toEqual([
      { symbol: 'SPY', qty: '1.234567891', avgEntryPrice: '500', marketValue: '617.28' },
    ]);
  });

  it('marks positions at the price it fills at: cents at or above $1, four decimals below', async () => {
    // Arrange: closes finer than the broker quotes, one above and one below a dollar.
    const { broker, prices } = makeBroker();
    prices.set('SOXS', '3.456789');
    prices.set('PENY', '0.123456');
    // Act
    const soxs = await broker.submitOrder(order('b1', 'SOXS', 'buy', { qty: '100' }));
    const peny = await broker.submitOrder(order('b2', 'PENY', 'buy', { qty: '1000' }));
    // Assert: fill price and mark agree, so holding a position makes no P&L out of rounding.
    expect([soxs.filledAvgPrice, peny.filledAvgPrice]).toEqual(['3.46', '0.1235']);
    expect(await broker.listPositions()).toEqual([
      { symbol: 'PENY', qty: '1000', avgEntryPrice: '0.1235', marketValue: '123.5' },
      { symbol: 'SOXS', qty: '100', avgEntryPrice: '3.46', marketValue: '346' },
    ]);
    expect((await broker.getAccount()).equity).toBe('100000');
  });

  it('sizes a notional buy to 9 decimals and spends at most the notional', async () => {
    const { broker } = makeBroker();
    const filled = await broker.submitOrder(order('n1', 'AAPL', 'buy', { notional: '1000.01' }));
    expect(filled).toMatchObject({ status: 'filled', filledQty: '5.00005', notional: '1000.01' });
    expect((await broker.getAccount()).cash).toBe('98999.99');
  });

  it('sells part of a position, reducing the cost basis pro rata, and removes a position sold out', async () => {
    const { broker, prices } = makeBroker();
    await broker.submitOrder(order('b', 'AAPL', 'buy', { qty: '10' }));
    prices.set('AAPL', '210');
    await broker.submitOrder(order('s1', 'AAPL', 'sell', { qty: '4' }));
    expect(await broker.listPositions()).toEqual([
      { symbol: 'AAPL', qty: '6', avgEntryPrice: '200', marketValue: '1260' },
    ]);
    await broker.submitOrder(order('s2', 'AAPL', 'sell', { notional: '1260' }));
    expect(await broker.listPositions()).toEqual([]);
    expect((await broker.getAccount()).cash).toBe(String(100000 - 2000 + 840 + 1260));
  });

  it('applies slippage against the trader and rounds fill prices to the cent', async () => {
    const { broker } = makeBroker({ slippageBps: 5 });
    const buy = await broker.submitOrder(order('b', 'SPY', 'buy', { qty: '2' }));
    const sell = await broker.submitOrder(order('s', 'SPY', 'sell', { qty: '1' }));
    expect(buy.filledAvgPrice).toBe('500.25');
    expect(sell.filledAvgPrice).toBe('499.75');
    expect((await broker.getAccount()).cash).toBe('99499.25'); // −1000.50 + 499.75
  });

  it('charges fees from the fee model on top of buys and out of sell proceeds', async () => {
    const { broker } = makeBroker({ fees: regulatoryFees({ perShare: '0.005' }) });
    const buy = await broker.submitOrder(order('b', 'AAPL', 'buy', { qty: '100' }));
    const sell = await broker.submitOrder(order('s', 'AAPL', 'sell', { qty: '100' }));
    // buy: 100 × 0.005 = 0.50; sell: 0.50 + SEC ceil(20000 × 0.0000278) = 0.56 + TAF ceil(0.0166) = 0.02
    expect(buy.fees).toBe('0.5');
    expect(sell.fees).toBe('1.08');
    expect((await broker.getAccount()).cash).toBe('99998.42');
  });

  it('charges a fee in basis points of the notional of each fill, to the cent, with slippage', async () => {
    // Arrange: 10 bps of notional, 5 bps of slippage.
    const { broker } = makeBroker({ fees: notionalFees(10), slippageBps: 5 });
    // Act
    const buy = await broker.submitOrder(order('b', 'AAPL', 'buy', { qty: '3' }));
    const sell = await broker.submitOrder(order('s', 'AAPL', 'sell', { qty: '3' }));
    // Assert: buy 3 × 200.10 = 600.30, fee 0.6003 → 0.60; sell 3 × 199.90 = 599.70, fee 0.5997 → 0.60.
    expect([buy.filledAvgPrice, buy.fees]).toEqual(['200.1', '0.6']);
    expect([sell.filledAvgPrice, sell.fees]).toEqual(['199.9', '0.6']);
    expect((await broker.getAccount()).cash).toBe('99998.2'); // −600.30 − 0.60 + 599.70 − 0.60
    expect(() => notionalFees(-1)).toThrow(RangeError);
  });

  it('caps the TAF and leaves buys free of regulatory fees', () => {
    const fees = regulatoryFees();
    expect(fees({ side: 'buy', symbol: 'X', qty: '100000', price: '1', amount: '100000' })).toBe('0');
    expect(fees({ side: 'sell', symbol: 'X', qty: '100000', price: '1', amount: '100000' })).toBe('11.08');
  });
});

describe('SimBroker order rules', () => {
  it('rejects a duplicate client order id, forever, even on another symbol', async () => {
    const { broker } = makeBroker();
    await broker.submitOrder(order('dup', 'SPY', 'buy', { qty: '1' }));
    await expect(broker.submitOrder(order('dup', 'SPY', 'buy', { qty: '1' }))).rejects.toThrow(
      named('DuplicateClientOrderId'),
    );
    await expect(broker.submitOrder(order('dup', 'AAPL', 'sell', { qty: '1' }))).rejects.toThrow(
      named('DuplicateClientOrderId'),
    );
    expect((await broker.getAccount()).cash).toBe('99500');
  });

  it('keeps whole shares for non-fractionable assets and refuses notional orders on them', async () => {
    const { broker } = makeBroker();
    await expect(broker.submitOrder(order('a', 'BRK/B', 'buy', { qty: '1.5' }))).rejects.toThrow(
      /not fractionable/,
    );
    await expect(broker.submitOrder(order('b', 'BRK/B', 'buy', { notional: '100' }))).rejects.toThrow(
      named('OrderRejected'),
    );
    expect(await broker.submitOrder(order('c', 'BRK/B', 'buy', { qty: '2' }))).toMatchObject({
      filledQty: '2',
    });
  });

  it('enforces the $1 notional minimum, cents in notionals and 9 decimals in qty', async () => {
    const { broker } = makeBroker();
    await expect(broker.submitOrder(order('a', 'SPY', 'buy', { notional: '0.99' }))).rejects.toThrow(
      /at least \$1/,
    );
    await expect(broker.submitOrder(order('b', 'SPY', 'buy', { notional: '1.001' }))).rejects.toThrow(
      /2 decimals/,
    );
    await expect(broker.submitOrder(order('c', 'SPY', 'buy', { qty: '0.0000000001' }))).rejects.toThrow(
      /9 decimals/,
    );
    await expect(broker.submitOrder(order('d', 'SPY', 'buy', { qty: '0' }))).rejects.toThrow(/> 0/);
    expect(await broker.submitOrder(order('e', 'SPY', 'buy', { notional: '1' }))).toMatchObject({
      status: 'filled',
      filledQty: '0.002',
    });
  });

  it('rejects malformed requests without recording them', async () => {
    const { broker } = makeBroker();
    const both = { ...order('x', 'SPY', 'buy', { qty: '1' }), notional: '10' };
    await expect(broker.submitOrder(both)).rejects.toThrow(/exactly one of qty and notional/);
    await expect(broker.submitOrder(order('y'.repeat(129), 'SPY', 'buy', { qty: '1' }))).rejects.toThrow(
      named('OrderRejected'),
    );
    await expect(broker.submitOrder(order('z', 'SPY', 'buy', { qty: '-1' }))).rejects.toThrow(
      named('OrderRejected'),
    );
    // A rejected request does not burn its id.
    expect(await broker.submitOrder(order('x', 'SPY', 'buy', { qty: '1' }))).toMatchObject({
      status: 'filled',
    });
  });

  it('checks buying power on buys (no margin), counting cash held by open buys', async () => {
    const { broker } = makeBroker({ startingCash: '1000' });
    await expect(broker.submitOrder(order('a', 'SPY', 'buy', { qty: '2.00001' }))).rejects.toThrow(
      named('InsufficientBuyingPower'),
    );
    broker.faults.delayFill({ polls: 5 });
    await broker.submitOrder(order('b', 'SPY', 'buy', { qty: '1' }));
    expect((await broker.getAccount()).buyingPower).toBe('500');
    await expect(broker.submitOrder(order('c', 'AAPL', 'buy', { notional: '500.01' }))).rejects.toThrow(
      named('InsufficientBuyingPower'),
    );
    expect(await broker.submitOrder(order('d', 'AAPL', 'buy', { notional: '500' }))).toMatchObject({
      status: 'filled',
    });
  });

  it('refuses to sell more than the position (no shorting), counting shares held by open sells', async () => {
    const { broker } = makeBroker();
    await expect(broker.submitOrder(order('a', 'SPY', 'sell', { qty: '1' }))).rejects.toThrow(
      /insufficient qty available/,
    );
    await broker.submitOrder(order('b', 'SPY', 'buy', { qty: '3' }));
    broker.faults.delayFill({ polls: 5 });
    await broker.submitOrder(order('c', 'SPY', 'sell', { qty: '2' }));
    await expect(broker.submitOrder(order('d', 'SPY', 'sell', { qty: '1.5' }))).rejects.toThrow(
      named('OrderRejected'),
    );
    expect(await broker.submitOrder(order('e', 'SPY', 'sell', { qty: '1' }))).toMatchObject({
      status: 'filled',
    });
  });

  it('refuses an order opposite to an open order on the same symbol (wash trade), not other symbols', async () => {
    const { broker } = makeBroker();
    await broker.submitOrder(order('own', 'SPY', 'buy', { qty: '2' }));
    broker.faults.delayFill({ polls: 1 });
    await broker.submitOrder(order('open-buy', 'SPY', 'buy', { qty: '1' }));
    await expect(broker.submitOrder(order('sell', 'SPY', 'sell', { qty: '1' }))).rejects.toThrow(
      expect.objectContaining({ name: 'SymbolBusy', retryable: true, symbol: 'SPY' }),
    );
    expect(await broker.submitOrder(order('buy-more', 'SPY', 'buy', { qty: '1' }))).toMatchObject({
      status: 'filled',
    });
    // Once the open buy fills, the sell goes through.
    await broker.getOrderByClientId('open-buy');
    expect(await broker.getOrderByClientId('open-buy')).toMatchObject({ status: 'filled' });
    expect(await broker.submitOrder(order('sell', 'SPY', 'sell', { qty: '1' }))).toMatchObject({
      status: 'filled',
    });
  });

  it.each([
    ['a Saturday', '2025-06-07T15:00:00Z', /not a trading day/],
    ['Independence Day', '2025-07-04T15:00:00Z', /not a trading day/],
    ['before the open', '2025-06-02T13:29:59Z', /outside the 2025-06-02 session/],
    ['at the close', '2025-06-02T20:00:00Z', /outside/],
    ['after an early close', '2025-11-28T18:30:00Z', /09:30–13:00/],
    ['outside the known calendar', '2040-06-04T15:00:00Z', /calendar unknown/],
  ])('rejects orders on %s as MarketClosed', async (_label, now, message) => {
    const { broker, time } = makeBroker();
    time.set(now);
    const rejection = broker.submitOrder(order('x', 'SPY', 'buy', { qty: '1' }));
    await expect(rejection).rejects.toThrow(named('MarketClosed'));
    await expect(rejection).rejects.toThrow(message);
  });

  it('accepts orders just before an early close', async () => {
    const { broker, time } = makeBroker();
    time.set('2025-11-28T17:59:00Z');
    expect(await broker.submitOrder(order('x', 'SPY', 'buy', { qty: '1' }))).toMatchObject({
      status: 'filled',
    });
  });

  it('rejects unknown symbols and symbols without a close for the session', async () => {
    const stale: FillPriceSource = {
      lastClose: async (symbol, onOrBefore) =>
        symbol === 'OLD' ? { date: '2025-05-30', price: '10' } : { date: onOrBefore, price: '500' },
    };
    const { broker } = makeBroker();
    await expect(broker.submitOrder(order('a', 'NOPE', 'buy', { qty: '1' }))).rejects.toThrow(/not tradable/);
    const { broker: staleBroker } = makeBroker({ prices: stale });
    await expect(staleBroker.submitOrder(order('b', 'OLD', 'buy', { qty: '1' }))).rejects.toThrow(
      named('OrderRejected'),
    );
    expect(await staleBroker.getAssets(['OLD', 'SPY'])).toEqual(
      new Map([
        ['OLD', { tradable: false, fractionable: true }],
        ['SPY', { tradable: true, fractionable: true }],
      ]),
    );
  });
});

describe('SimBroker facts', () => {
  it('lists assets: tradable when priced, fractionable unless listed, unknown ones absent', async () => {
    const { broker } = makeBroker();
    expect(await broker.getAssets(['SPY', 'BRK/B', 'NOPE'])).toEqual(
      new Map([
        ['SPY', { tradable: true, fractionable: true }],
        ['BRK/B', { tradable: true, fractionable: false }],
      ]),
    );
  });

  it('serves the clock and the calendar from the NYSE calendar', async () => {
    const { broker } = makeBroker();
    expect(await broker.getClock()).toEqual({
      timestamp: '2025-06-02T19:45:00.000Z',
      isOpen: true,
      nextOpen: '2025-06-03T13:30:00.000Z',
      nextClose: '2025-06-02T20:00:00.000Z',
    });
    expect(await broker.getCalendar({ from: '2025-07-02', to: '2025-07-07' })).toEqual([
      { date: '2025-07-02', open: '09:30', close: '16:00' },
      { date: '2025-07-03', open: '09:30', close: '13:00' },
      { date: '2025-07-07', open: '09:30', close: '16:00' },
    ]);
  });

  it('creates the account once with the starting cash', async () => {
    const { broker } = makeBroker({ startingCash: '2500.5' });
    expect(await broker.getAccount()).toMatchObject({ cash: '2500.5', equity: '2500.5' });
    expect(broker.kind).toBe('sim');
  });
});

describe('SimBroker corporate actions', () => {
  it('applies a split and pays a dividend on their ex-dates, once, and announces them', async () => {
    // Arrange: 10 AAPL bought on Monday; a 4-for-1 split on Tuesday, a 0.26 dividend on Wednesday.
    const split = {
      kind: 'split',
      symbol: 'AAPL',
      exDate: '2025-06-03',
      newRate: '4',
      oldRate: '1',
    } as const;
    const dividend = { kind: 'dividend', symbol: 'AAPL', exDate: '2025-06-04', rate: '0.26' } as const;
    const { broker, time, prices } = makeBroker({ corporateActions: [split, dividend] });
    await broker.submitOrder(order('b', 'AAPL', 'buy', { qty: '10' }));
    const cash = (await broker.getAccount()).cash;
    // Act / Assert: Tuesday, the split-adjusted price quoted: 40 shares, same cost, same value.
    time.set('2025-06-03T19:45:00.000Z');
    prices.set('AAPL', '50');
    expect(await broker.listPositions()).toEqual([
      { symbol: 'AAPL', qty: '40', avgEntryPrice: '50', marketValue: '2000' },
    ]);
    expect(await broker.listPositions()).toHaveLength(1);
    // Wednesday: 40 × 0.26 = 10.40 paid, once however often the account is read.
    time.set('2025-06-04T19:45:00.000Z');
    await broker.getAccount();
    expect((await broker.getAccount()).cash).toBe(String(Number(cash) + 10.4));
    expect((await broker.listPositions())[0]?.qty).toBe('40');
    expect(
      await broker.getCorporateActions?.({ symbols: ['AAPL', 'SPY'], from: '2025-06-01', to: '2025-06-30' }),
    ).toEqual([
      { ...split, source: 'announcement' },
      { ...dividend, payableDate: '2025-06-04' },
    ]);
    expect(
      await broker.getCorporateActions?.({ symbols: ['SPY'], from: '2025-06-01', to: '2025-06-30' }),
    ).toEqual([]);
  });
});
