import { describe, expect, it } from 'vitest';
import { createMemorySimBrokerStore } from './memory-store.ts';
import { makeBroker, order } from './testing/index.ts';
import type { SimAccountState, SimBrokerStore } from './types.ts';

describe('SimBroker fault injection', () => {
  it('fails the next N calls of an operation with a retryable BrokerUnavailable, then recovers', async () => {
    // Arrange
    const { broker } = makeBroker();
    broker.faults.failNext('submitOrder', 2);
    const request = order('a', 'SPY', 'buy', { qty: '1' });
    // Act / Assert: nothing happens on an injected failure, so the retry with the same id succeeds.
    for (let i = 0; i < 2; i++) {
      await expect(broker.submitOrder(request)).rejects.toThrow(
        expect.objectContaining({ name: 'BrokerUnavailable', retryable: true, status: 503 }),
      );
    }
    expect(await broker.getOrderByClientId('a')).toBeNull();
    expect(await broker.submitOrder(request)).toMatchObject({ status: 'filled' });
    expect((await broker.getAccount()).cash).toBe('99500');
  });

  it('can rate-limit any operation', async () => {
    const { broker } = makeBroker();
    broker.faults.failNext('getAccount', 1, 'rate-limited');
    broker.faults.failNext('getClock', 1, 'rate-limited');
    await expect(broker.getAccount()).rejects.toThrow(
      expect.objectContaining({ name: 'RateLimited', retryable: true, retryAfterMs: 1000 }),
    );
    await expect(broker.getClock()).rejects.toThrow(expect.objectContaining({ name: 'RateLimited' }));
    await expect(broker.getAccount()).resolves.toMatchObject({ cash: '100000' });
  });

  it('crashes after accepting an order: the order exists, applied once, and a resubmit is a duplicate', async () => {
    const { broker } = makeBroker();
    broker.faults.crashAfterAccept();
    const request = order('c', 'AAPL', 'buy', { qty: '5' });
    await expect(broker.submitOrder(request)).rejects.toThrow(/after the order was accepted/);
    // The caller looks the id up before placing another, and adopts the order.
    expect(await broker.getOrderByClientId('c')).toMatchObject({ status: 'filled', filledQty: '5' });
    await expect(broker.submitOrder(request)).rejects.toThrow(
      expect.objectContaining({ name: 'DuplicateClientOrderId', clientOrderId: 'c' }),
    );
    expect((await broker.getAccount()).cash).toBe('99000');
    expect(await broker.listPositions()).toMatchObject([{ symbol: 'AAPL', qty: '5' }]);
  });

  it('clears every knob', async () => {
    const { broker } = makeBroker();
    broker.faults.failNext('listPositions', 3);
    broker.faults.crashAfterAccept(2);
    broker.faults.partialFill({ fraction: '0.5', times: Number.POSITIVE_INFINITY });
    broker.faults.clear();
    await expect(broker.listPositions()).resolves.toEqual([]);
    expect(await broker.submitOrder(order('a', 'SPY', 'buy', { qty: '2' }))).toMatchObject({
      status: 'filled',
    });
  });

  it('validates knob arguments', () => {
    const { broker } = makeBroker();
    expect(() => broker.faults.partialFill({ fraction: '1' })).toThrow(RangeError);
    expect(() => broker.faults.partialFill({ fraction: '0.0' })).toThrow(RangeError);
    expect(() => broker.faults.delayFill({ polls: -1 })).toThrow(RangeError);
    expect(() => broker.faults.failNext('getAccount', 0)).toThrow(RangeError);
  });
});

describe('SimBroker partial fills', () => {
  it('fills a fraction and keeps the rest open, reserving cash for it, until canceled', async () => {
    // Arrange
    const { broker } = makeBroker();
    broker.faults.partialFill({ fraction: '0.4' });
    // Act
    const placed = await broker.submitOrder(order('p', 'SPY', 'buy', { qty: '10' }));
    // Assert
    expect(placed).toMatchObject({
      status: 'partially_filled',
      filledQty: '4',
      filledAvgPrice: '500',
      qty: '10',
    });
    expect(await broker.listOpenOrders()).toEqual([placed]);
    expect(await broker.getAccount()).toMatchObject({ cash: '98000', buyingPower: '95000' });
    // Polling does not fill the rest.
    expect(await broker.getOrderByClientId('p')).toEqual(placed);
    await broker.cancelOrder(placed.id);
    const canceled = await broker.getOrderByClientId('p');
    expect(canceled).toMatchObject({ status: 'canceled', filledQty: '4', reason: 'canceled by the client' });
    expect(await broker.listOpenOrders()).toEqual([]);
    expect(await broker.getAccount()).toMatchObject({
      cash: '98000',
      buyingPower: '98000',
      equity: '100000',
    });
    // Canceling a terminal order is a no-op; an unknown id is an error.
    await broker.cancelOrder(placed.id);
    expect(await broker.getOrder(placed.id)).toEqual(canceled);
    await expect(broker.cancelOrder('no-such-id')).rejects.toThrow(
      expect.objectContaining({ name: 'OrderRejected' }),
    );
  });

  it('partially fills notional sells and only for the chosen symbol', async () => {
    const { broker } = makeBroker();
    await broker.submitOrder(order('b1', 'SPY', 'buy', { qty: '4' }));
    await broker.submitOrder(order('b2', 'AAPL', 'buy', { qty: '4' }));
    broker.faults.partialFill({ fraction: '0.25', symbol: 'SPY' });
    expect(await broker.submitOrder(order('s1', 'AAPL', 'sell', { notional: '400' }))).toMatchObject({
      status: 'filled',
      filledQty: '2',
    });
    expect(await broker.submitOrder(order('s2', 'SPY', 'sell', { notional: '1000' }))).toMatchObject({
      status: 'partially_filled',
      filledQty: '0.5',
    });
    // The unfilled 1.5 shares stay reserved for the open sell.
    await expect(broker.submitOrder(order('s3', 'SPY', 'sell', { qty: '2.000000001' }))).rejects.toThrow(
      /insufficient qty available/,
    );
  });

  it('expires the open remainder at the close of its session', async () => {
    const { broker, time } = makeBroker();
    broker.faults.partialFill({ fraction: '0.5' });
    await broker.submitOrder(order('p', 'SPY', 'buy', { qty: '3' }));
    time.set('2025-06-02T20:00:00Z');
    expect(await broker.getOrderByClientId('p')).toMatchObject({ status: 'expired', filledQty: '1.5' });
    expect(await broker.getAccount()).toMatchObject({ cash: '99250', buyingPower: '99250' });
  });

  it('fills whole shares only for non-fractionable assets, and nothing when the fraction rounds to zero', async () => {
    const { broker } = makeBroker();
    broker.faults.partialFill({ fraction: '0.5', times: 2 });
    expect(await broker.submitOrder(order('a', 'BRK/B', 'buy', { qty: '3' }))).toMatchObject({
      status: 'partially_filled',
      filledQty: '1',
    });
    expect(await broker.submitOrder(order('b', 'BRK/B', 'buy', { qty: '1' }))).toMatchObject({
      status: 'accepted',
      filledQty: '0',
      filledAvgPrice: null,
    });
  });
});

describe('SimBroker delayed fills', () => {
  it('stays accepted for K polls of getOrderByClientId, then fills', async () => {
    // Arrange
    const { broker } = makeBroker();
    broker.faults.delayFill({ polls: 2 });
    // Act
    const placed = await broker.submitOrder(order('d', 'SPY', 'buy', { qty: '1' }));
    // Assert
    expect(placed).toMatchObject({ status: 'accepted', filledQty: '0', filledAvgPrice: null });
    expect(await broker.getOrderByClientId('d')).toMatchObject({ status: 'accepted' });
    // Other reads do not advance the fill.
    expect(await broker.listOpenOrders()).toHaveLength(1);
    expect(await broker.getAccount()).toMatchObject({ cash: '100000', buyingPower: '99500' });
    expect(await broker.getOrderByClientId('d')).toMatchObject({ status: 'accepted' });
    expect(await broker.getOrderByClientId('d')).toMatchObject({ status: 'filled', filledQty: '1' });
    expect(await broker.getAccount()).toMatchObject({ cash: '99500', buyingPower: '99500' });
    // The next order fills at once again.
    expect(await broker.submitOrder(order('e', 'SPY', 'buy', { qty: '1' }))).toMatchObject({
      status: 'filled',
    });
  });

  it('can delay and partially fill every order by default', async () => {
    const { broker } = makeBroker({ fills: { delayPolls: 1, partialFraction: '0.5' } });
    await broker.submitOrder(order('a', 'SPY', 'buy', { qty: '2' }));
    await broker.getOrderByClientId('a');
    expect(await broker.getOrderByClientId('a')).toMatchObject({
      status: 'partially_filled',
      filledQty: '1',
    });
  });

  it('expires unfilled at the close, and cancels cleanly while pending', async () => {
    const { broker, time } = makeBroker();
    broker.faults.delayFill({ polls: 3, times: 2 });
    const a = await broker.submitOrder(order('a', 'SPY', 'buy', { qty: '1' }));
    await broker.submitOrder(order('b', 'SPY', 'buy', { qty: '1' }));
    await broker.cancelOrder(a.id);
    expect(await broker.getOrderByClientId('a')).toMatchObject({ status: 'canceled', filledQty: '0' });
    time.set('2025-06-03T13:00:00Z'); // next morning, before the open
    expect(await broker.getOrderByClientId('b')).toMatchObject({ status: 'expired', filledQty: '0' });
    expect(await broker.getAccount()).toMatchObject({ cash: '100000', buyingPower: '100000' });
  });
});

describe('SimBroker reads', () => {
  /** A memory store that counts the account's writes. */
  const countingStore = () => {
    const store = createMemorySimBrokerStore();
    const writes = { n: 0 };
    return {
      writes,
      store: {
        ...store,
        replaceAccount: (state: SimAccountState, version: number) => {
          writes.n += 1;
          return store.replaceAccount(state, version);
        },
      } satisfies SimBrokerStore,
    };
  };

  it('writes nothing when nothing is due, and read the account the store keeps', async () => {
    // Arrange: one filled order (the store keeps the account as a live object: reads need no copy).
    const { store, writes } = countingStore();
    const { broker } = makeBroker({ store });
    await broker.submitOrder(order('b', 'SPY', 'buy', { qty: '2' }));
    const before = writes.n;
    // Act
    const account = await broker.getAccount();
    const positions = await broker.listPositions();
    const found = await broker.getOrderByClientId('b');
    const open = await broker.listOpenOrders();
    // Assert
    expect(writes.n).toBe(before);
    expect(account).toMatchObject({ cash: '99000', equity: '100000' });
    expect(positions).toEqual([{ symbol: 'SPY', qty: '2', avgEntryPrice: '500', marketValue: '1000' }]);
    expect(found).toMatchObject({ status: 'filled', filledQty: '2' });
    expect(open).toEqual([]);
  });

  it('expires a day order past its close as a write, when a read is the first call after the close', async () => {
    // Arrange: an order left open (delayed fill), then the session closes.
    const { store, writes } = countingStore();
    const { broker, time } = makeBroker({ store });
    broker.faults.delayFill({ polls: 3 });
    await broker.submitOrder(order('d', 'SPY', 'buy', { qty: '1' }));
    time.set('2025-06-02T20:00:00Z');
    const before = writes.n;
    // Act: a read of the account, not of the order.
    const account = await broker.getAccount();
    // Assert: the reservation is released and the expiry stored, once.
    expect(account).toMatchObject({ cash: '100000', buyingPower: '100000' });
    expect(writes.n).toBe(before + 1);
    expect(await broker.listOpenOrders()).toEqual([]);
    expect(await broker.getOrderByClientId('d')).toMatchObject({ status: 'expired' });
    expect(writes.n).toBe(before + 1);
  });

  it('applies a corporate action due on a read, as a write', async () => {
    // Arrange: 2 SPY held, a 2-for-1 split with its ex-date on the next session.
    const { store, writes } = countingStore();
    const { broker, time } = makeBroker({
      store,
      corporateActions: [{ kind: 'split', symbol: 'SPY', exDate: '2025-06-03', newRate: '2', oldRate: '1' }],
    });
    await broker.submitOrder(order('b', 'SPY', 'buy', { qty: '2' }));
    const before = writes.n;
    // Act: the next session's first call is a read.
    time.set('2025-06-03T19:45:00Z');
    const positions = await broker.listPositions();
    // Assert
    expect(positions).toMatchObject([{ symbol: 'SPY', qty: '4' }]);
    expect(writes.n).toBe(before + 1);
    await broker.getAccount();
    expect(writes.n).toBe(before + 1);
  });
});
