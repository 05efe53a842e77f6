import {
  BrokerUnavailableError,
  ConfigInvalidError,
  DuplicateClientOrderIdError,
  ErrorNames,
  InsufficientBuyingPowerError,
  MarketClosedError,
  newYorkToUtc,
  OrderRejectedError,
  RateLimitedError,
  SymbolBusyError,
} from '@ensemble/core';
import { createBundledMarketData } from '@ensemble/market-data';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlpaca } from './config.ts';
import { AT_1545, type Fixture, KEY_ID, SESSION, startFixture } from './testing/fixture.ts';

const closeOf = async (symbol: string, date: string): Promise<string> => {
  const s = (await createBundledMarketData().loadBars({ symbols: [symbol], from: date, to: date })).get(
    symbol,
  )!;
  return new Decimal(String(s.closes[0])).toFixed();
};

describe('AlpacaBroker through the SDK against the fake server', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(() => f.close());

  it('reads account, clock, calendar (early close) and assets', async () => {
    // Act
    const [account, clock, calendar, assets] = await Promise.all([
      f.alpaca.broker.getAccount(),
      f.alpaca.broker.getClock(),
      f.alpaca.broker.getCalendar({ from: '2025-11-24', to: '2025-11-30' }),
      f.alpaca.broker.getAssets(['SPY', 'BRK/B', 'NOPE']),
    ]);
    // Assert
    expect(account).toEqual({
      equity: '100000',
      cash: '100000',
      buyingPower: '100000',
      tradingBlocked: false,
    });
    expect(clock).toMatchObject({ timestamp: AT_1545.toISOString(), isOpen: true });
    expect(calendar).toEqual([
      { date: '2025-11-24', open: '09:30', close: '16:00' },
      { date: '2025-11-25', open: '09:30', close: '16:00' },
      { date: '2025-11-26', open: '09:30', close: '16:00' },
      { date: '2025-11-28', open: '09:30', close: '13:00' },
    ]);
    expect(Object.fromEntries(assets)).toEqual({
      SPY: { tradable: true, fractionable: true },
      'BRK/B': { tradable: true, fractionable: false },
    });
    expect(f.alpaca.broker.kind).toBe('alpaca-paper');
  });

  it('round-trips an order: submit, look up by client id, duplicate id, fills in positions and account', async () => {
    // Arrange
    const close = await closeOf('SPY', SESSION);
    const request = {
      clientOrderId: 'rt-spy-buy',
      symbol: 'SPY',
      side: 'buy',
      qty: '2',
      type: 'market',
      timeInForce: 'day',
    } as const;
    const before = await f.alpaca.broker.getAccount();
    // Act
    const submitted = await f.alpaca.broker.submitOrder(request);
    const found = await f.alpaca.broker.getOrderByClientId('rt-spy-buy');
    const duplicate = await f.alpaca.broker.submitOrder(request).catch((e: unknown) => e);
    const positions = await f.alpaca.broker.listPositions();
    const after = await f.alpaca.broker.getAccount();
    // Assert: Alpaca's view through the SDK is the SimBroker's own view
    expect(submitted).toMatchObject({ clientOrderId: 'rt-spy-buy', symbol: 'SPY', side: 'buy', qty: '2' });
    expect(found).toEqual(await f.sim.getOrderByClientId('rt-spy-buy'));
    expect(found).toMatchObject({ id: submitted.id, status: 'filled', filledQty: '2', fees: '0' });
    expect(new Decimal(found!.filledAvgPrice!).toFixed(2)).toBe(new Decimal(close).toFixed(2));
    expect(duplicate).toBeInstanceOf(DuplicateClientOrderIdError);
    expect(duplicate).toMatchObject({ name: ErrorNames.DuplicateClientOrderId, clientOrderId: 'rt-spy-buy' });
    expect(positions).toEqual(await f.sim.listPositions());
    expect(positions).toMatchObject([{ symbol: 'SPY', qty: '2' }]);
    expect(after).toEqual(await f.sim.getAccount());
    const cost = new Decimal(found!.filledAvgPrice!).times(2);
    expect(new Decimal(before.cash).minus(after.cash).toFixed()).toBe(cost.toFixed());
    expect(await f.alpaca.broker.getOrderByClientId('never-submitted')).toBeNull();
  });

  it('maps class-share symbols (BRK/B ↔ BRK.B) and notional orders', async () => {
    // Act
    const order = await f.alpaca.broker.submitOrder({
      clientOrderId: 'rt-brk-notional',
      symbol: 'BRK/B',
      side: 'buy',
      qty: '1',
      type: 'market',
      timeInForce: 'day',
    });
    // Assert
    expect(order.symbol).toBe('BRK/B');
    expect(f.fake.requests.some((r) => r.method === 'POST' && r.url === '/v2/orders')).toBe(true);
    expect((await f.alpaca.broker.listPositions()).map((p) => p.symbol)).toContain('BRK/B');
  });

  it('lists open orders, cancels one, and treats a second cancel as a no-op', async () => {
    // Arrange
    f.sim.faults.delayFill({ polls: 5, symbol: 'TLT' });
    const order = await f.alpaca.broker.submitOrder({
      clientOrderId: 'open-tlt',
      symbol: 'TLT',
      side: 'buy',
      notional: '500',
      type: 'market',
      timeInForce: 'day',
    });
    // Act
    const open = await f.alpaca.broker.listOpenOrders();
    await f.alpaca.broker.cancelOrder(order.id);
    await f.alpaca.broker.cancelOrder(order.id);
    // Assert
    expect(open.map((o) => [o.clientOrderId, o.status, o.notional])).toEqual([
      ['open-tlt', 'accepted', '500'],
    ]);
    expect(await f.alpaca.broker.getOrderByClientId('open-tlt')).toMatchObject({ status: 'canceled' });
    await expect(f.alpaca.broker.cancelOrder('no-such-order')).rejects.toBeInstanceOf(OrderRejectedError);
  });

  it('classifies a potential wash trade (403 40310000) as SymbolBusy', async () => {
    // Arrange: an open buy on GLD
    f.sim.faults.delayFill({ polls: 5, symbol: 'GLD' });
    await f.alpaca.broker.submitOrder({
      clientOrderId: 'wash-buy',
      symbol: 'GLD',
      side: 'buy',
      qty: '1',
      type: 'market',
      timeInForce: 'day',
    });
    // Act
    const sell = f.alpaca.broker.submitOrder({
      clientOrderId: 'wash-sell',
      symbol: 'GLD',
      side: 'sell',
      qty: '1',
      type: 'market',
      timeInForce: 'day',
    });
    // Assert
    await expect(sell).rejects.toBeInstanceOf(SymbolBusyError);
    await expect(sell).rejects.toMatchObject({ symbol: 'GLD', retryable: true });
    expect(f.fake.requests.at(-1)).toMatchObject({ method: 'POST', status: 403 });
  });

  it('classifies insufficient buying power (403) as terminal InsufficientBuyingPower', async () => {
    const order = f.alpaca.broker.submitOrder({
      clientOrderId: 'too-big',
      symbol: 'QQQ',
      side: 'buy',
      notional: '5000000',
      type: 'market',
      timeInForce: 'day',
    });
    await expect(order).rejects.toBeInstanceOf(InsufficientBuyingPowerError);
    await expect(order).rejects.toMatchObject({ retryable: false, clientOrderId: 'too-big' });
  });

  it('classifies other 4xx order refusals as OrderRejected', async () => {
    const order = f.alpaca.broker.submitOrder({
      clientOrderId: 'oversell',
      symbol: 'QQQ',
      side: 'sell',
      qty: '1000',
      type: 'market',
      timeInForce: 'day',
    });
    await expect(order).rejects.toBeInstanceOf(OrderRejectedError);
    expect(f.fake.requests.at(-1)).toMatchObject({ status: 422 });
  });

  it('classifies 429 as RateLimited, honouring Retry-After, else X-RateLimit-Reset; POSTs are not retried', async () => {
    // Arrange
    const alpaca = createAlpaca(
      { keyId: KEY_ID, secret: 'test-secret-0123456789abcdef' },
      { fetchApi: f.fake.fetchApi, rateLimit: false },
    );
    f.fake.inject({ status: 429, path: '/v2/orders', method: 'POST', retryAfterSeconds: 7 });
    const req = { symbol: 'SPY', side: 'buy', qty: '1', type: 'market', timeInForce: 'day' } as const;
    const posts = () => f.fake.requests.filter((r) => r.method === 'POST').length;
    const postsBefore = posts();
    // Act / Assert
    const first = alpaca.broker.submitOrder({ ...req, clientOrderId: 'rl-1' });
    await expect(first).rejects.toBeInstanceOf(RateLimitedError);
    await expect(first).rejects.toMatchObject({ retryAfterMs: 7000, retryable: true });
    expect(posts() - postsBefore).toBe(1);
    f.fake.inject({ status: 429, path: '/v2/orders', method: 'POST', resetInSeconds: 30 });
    const second = await alpaca.broker
      .submitOrder({ ...req, clientOrderId: 'rl-2' })
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(RateLimitedError);
    expect((second as RateLimitedError).retryAfterMs).toBeGreaterThan(28_000);
    expect((second as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(31_000);
  });

  it('classifies 5xx and network failures as retryable BrokerUnavailable; the SDK retries GETs only', async () => {
    // Arrange
    const retrying = createAlpaca(
      { keyId: KEY_ID, secret: 'test-secret-0123456789abcdef' },
      {
        fetchApi: f.fake.fetchApi,
        rateLimit: false,
        retry: { maxRetries: 2, retryDelayMs: 1, maxDelayMs: 5 },
      },
    );
    // Act / Assert: a GET behind one 503 succeeds after the SDK's retry
    f.fake.inject({ status: 503, path: '/v2/account' });
    await expect(retrying.broker.getAccount()).resolves.toMatchObject({ tradingBlocked: false });
    // a POST behind one 503 fails at once, sent once
    const posts = f.fake.requests.filter((r) => r.method === 'POST').length;
    f.fake.inject({ status: 503, path: '/v2/orders', method: 'POST' });
    const post = retrying.broker.submitOrder({
      clientOrderId: 'svc-1',
      symbol: 'SPY',
      side: 'buy',
      qty: '1',
      type: 'market',
      timeInForce: 'day',
    });
    await expect(post).rejects.toBeInstanceOf(BrokerUnavailableError);
    await expect(post).rejects.toMatchObject({ status: 503, retryable: true });
    expect(f.fake.requests.filter((r) => r.method === 'POST').length - posts).toBe(1);
    // without SDK retries, a 500 and a dropped connection surface
    f.fake.inject({ status: 500, path: '/v2/positions' });
    await expect(f.alpaca.broker.listPositions()).rejects.toMatchObject({
      name: ErrorNames.BrokerUnavailable,
      status: 500,
    });
    f.fake.inject({ status: 'drop', path: '/v2/orders:by_client_order_id' });
    await expect(f.alpaca.broker.getOrderByClientId('rt-spy-buy')).rejects.toBeInstanceOf(
      BrokerUnavailableError,
    );
  });

  it('refuses bad credentials as ConfigInvalid (terminal), never as "not found"', async () => {
    const wrong = createAlpaca(
      { keyId: KEY_ID, secret: 'not-the-secret' },
      { fetchApi: f.fake.fetchApi, retry: false, rateLimit: false },
    );
    await expect(wrong.broker.getAccount()).rejects.toBeInstanceOf(ConfigInvalidError);
    await expect(wrong.broker.getOrderByClientId('rt-spy-buy')).rejects.toBeInstanceOf(ConfigInvalidError);
  });

  it('classifies "market is closed" as MarketClosed', async () => {
    f.setNow(newYorkToUtc('2025-11-29', '12:00'));
    try {
      const order = f.alpaca.broker.submitOrder({
        clientOrderId: 'closed-1',
        symbol: 'SPY',
        side: 'buy',
        qty: '1',
        type: 'market',
        timeInForce: 'day',
      });
      await expect(order).rejects.toBeInstanceOf(MarketClosedError);
    } finally {
      f.setNow(AT_1545);
    }
  });
});

describe('AlpacaBroker corporate actions (the market-data API) through the SDK against the fake server', () => {
  it('reads the announced splits and cash dividends of the symbols asked, in the dates asked', async () => {
    // Arrange: the account behind the fake announces a forward split, a reverse split and a dividend.
    const actions = [
      { kind: 'split', symbol: 'TQQQ', exDate: '2025-11-20', newRate: '2', oldRate: '1' },
      { kind: 'split', symbol: 'BRK/B', exDate: '2025-11-21', newRate: '1', oldRate: '10' },
      { kind: 'dividend', symbol: 'SPY', exDate: '2025-09-19', rate: '1.83', payableDate: '2025-10-31' },
      { kind: 'dividend', symbol: 'QQQ', exDate: '2025-12-22', rate: '0.7' },
    ] as const;
    const f = await startFixture({ corporateActions: actions });
    try {
      // Act
      const read = await f.alpaca.broker.getCorporateActions?.({
        symbols: ['TQQQ', 'BRK/B', 'SPY', 'QQQ'],
        from: '2025-09-01',
        to: '2025-11-30',
      });
      // Assert: through GET /v1/corporate-actions, symbols written as Alpaca does (BRK.B).
      expect(read).toEqual([
        { kind: 'dividend', symbol: 'SPY', exDate: '2025-09-19', rate: '1.83', payableDate: '2025-10-31' },
        {
          kind: 'split',
          symbol: 'TQQQ',
          exDate: '2025-11-20',
          newRate: '2',
          oldRate: '1',
          source: 'announcement',
        },
        {
          kind: 'split',
          symbol: 'BRK/B',
          exDate: '2025-11-21',
          newRate: '1',
          oldRate: '10',
          source: 'announcement',
        },
      ]);
      expect(f.fake.requests.at(-1)?.url).toMatch(
        /^\/v1\/corporate-actions\?symbols=TQQQ%2CBRK\.B%2CSPY%2CQQQ&types=forward_split%2Creverse_split%2Ccash_dividend&start=2025-09-01&end=2025-11-30/,
      );
    } finally {
      await f.close();
    }
  });
});
