import { BrokerUnavailableError, DuplicateClientOrderIdError, SymbolBusyError } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { crashAt } from './faults.ts';
import { reconcile } from './reconcile.ts';
import { BOOK_A, BOOK_B, LOOSE_RAILS, line, makeWorld, useDynamo, type World } from './testing/index.ts';

const endpoint = useDynamo();

const reconciled = async (w: World, unallocated: string) => {
  const r = await reconcile({ ledger: w.ledger, broker: w.broker, unallocatedCash: unallocated });
  expect(r.differences).toEqual([]);
  return r;
};

const onePerId = (w: World) => {
  for (const [id, orders] of w.brokerOrders()) expect([id, orders.size]).toEqual([id, 1]);
};

describe('executePlan', () => {
  it('buys, records orders and fills once, and a re-run changes nothing', async () => {
    // Arrange
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const plan = [line('buy', 'SPY', '10'), line('buy', 'AAPL', '5')];
    // Act
    const first = await w.run(BOOK_A, plan);
    const again = await w.run(BOOK_A, plan);
    // Assert
    expect(first.outcome).toBe('TRADED');
    expect(first.orders.map((o) => [o.clientOrderId, o.status, o.filledQty, o.filledNotional])).toEqual([
      ['ens_2025-06-02_test_s-alpha_SPY_b_1', 'FILLED', '10', '5000'],
      ['ens_2025-06-02_test_s-alpha_AAPL_b_1', 'FILLED', '5', '1000'],
    ]);
    expect(again).toEqual(first);
    const order = await w.ledger.getOrder('ens_2025-06-02_test_s-alpha_SPY_b_1');
    expect(order?.statusHistory.map((h) => h.status)).toEqual(['INTENT', 'SUBMITTED', 'FILLED']);
    const fills = await w.ledger.listFillsOfRun(`2025-06-02.test`);
    expect(fills.data.map((f) => f.fillId).sort()).toEqual([
      'ens_2025-06-02_test_s-alpha_AAPL_b_1:5',
      'ens_2025-06-02_test_s-alpha_SPY_b_1:10',
    ]);
    expect((await w.ledger.getBook(BOOK_A)).cash).toBe('4000');
    onePerId(w);
    await reconciled(w, '90000');
  });

  it('sells first, cancels a partial fill at the deadline, then sizes buys to the cash released', async () => {
    // Arrange: the book holds 10 SPY and no cash
    const w = await makeWorld(endpoint());
    const deps = { rails: { ...LOOSE_RAILS, buyCashBufferBps: 0 } };
    await w.fund(BOOK_A, '5000');
    await w.run(BOOK_A, [line('buy', 'SPY', '10')], { deps, input: { stage: 'seed' } });
    w.broker.faults.partialFill({ fraction: '0.5', symbol: 'SPY' });
    // Act: sell everything and buy 25 AAPL (5000), but only half the SPY sells
    const r = await w.run(BOOK_A, [line('sell', 'SPY', '10'), line('buy', 'AAPL', '25')], { deps });
    // Assert
    expect(r.outcome).toBe('TRADED');
    const [sell, buy] = r.orders;
    expect([sell?.status, sell?.filledQty, sell?.filledNotional]).toEqual(['CANCELED', '5', '2500']);
    // 2500 released / 200 = 12.5 shares
    expect([buy?.status, buy?.qty, buy?.filledQty]).toEqual(['FILLED', '12.5', '12.5']);
    const book = await w.ledger.getBook(BOOK_A);
    expect(book.cash).toBe('0');
    expect(book.positions.map((p) => [p.symbol, p.qty])).toEqual([
      ['AAPL', '12.5'],
      ['SPY', '5'],
    ]);
    onePerId(w);
    await reconciled(w, '95000');
  });

  it('polls a delayed fill to the end without canceling', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    w.broker.faults.delayFill({ polls: 4 });
    const started = w.time.clock().getTime();
    const r = await w.run(BOOK_A, [line('buy', 'GLD', '10')]);
    expect(r.orders[0]?.status).toBe('FILLED');
    expect(w.time.clock().getTime() - started).toBeGreaterThanOrEqual(4000);
    const history = (await w.ledger.getOrder(r.orders[0]!.clientOrderId))?.statusHistory.map((h) => h.status);
    expect(history).toEqual(['INTENT', 'SUBMITTED', 'ACCEPTED', 'FILLED']);
  });

  it('never sells more than the book holds (another book may hold the rest)', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '5000');
    await w.fund(BOOK_B, '5000');
    await w.run(BOOK_A, [line('buy', 'SPY', '4')], { input: { stage: 'seed' } });
    await w.run(BOOK_B, [line('buy', 'SPY', '6')], { input: { stage: 'seed' } });
    const r = await w.run(BOOK_A, [line('sell', 'SPY', '10')]);
    expect(r.orders.map((o) => [o.qty, o.filledQty])).toEqual([['4', '4']]);
    await reconciled(w, '90000');
  });

  it('adopts an order the broker already has under the id, placing no other', async () => {
    // Arrange: the broker got the order, the ledger never heard of it
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const id = 'ens_2025-06-02_test_s-alpha_SPY_b_1';
    await w.broker.submitOrder({
      clientOrderId: id,
      symbol: 'SPY',
      side: 'buy',
      qty: '3',
      type: 'market',
      timeInForce: 'day',
    });
    // Act
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '10')]);
    // Assert: the broker's order (3 shares) is the order
    expect(r.orders.map((o) => [o.clientOrderId, o.qty, o.filledQty])).toEqual([[id, '3', '3']]);
    expect((await w.ledger.getOrder(id))?.statusHistory[0]?.reason).toMatch(/adopted/);
    onePerId(w);
    await reconciled(w, '90000');
  });

  it('adopts the existing order on DuplicateClientOrderId from submit', async () => {
    // Arrange: a broker whose first lookup misses the order (a stale read), so submit reports the duplicate
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const id = 'ens_2025-06-02_test_s-alpha_SPY_b_1';
    await w.broker.submitOrder({
      clientOrderId: id,
      symbol: 'SPY',
      side: 'buy',
      qty: '10',
      type: 'market',
      timeInForce: 'day',
    });
    // The buy-phase check misses; the order's own lookup is skipped (its intent is fresh).
    let misses = 1;
    let lookups = 0;
    let duplicates = 0;
    const broker = {
      ...w.broker,
      getOrderByClientId: async (cid: string) => {
        lookups++;
        return misses-- > 0 ? null : w.broker.getOrderByClientId(cid);
      },
      submitOrder: async (req: Parameters<typeof w.broker.submitOrder>[0]) => {
        try {
          return await w.broker.submitOrder(req);
        } catch (e) {
          if (e instanceof DuplicateClientOrderIdError) duplicates++;
          throw e;
        }
      },
    };
    // Act
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '10')], { deps: { broker } });
    // Assert
    expect(duplicates).toBe(1);
    expect(lookups).toBe(2); // the buy-phase check, then the lookup after the duplicate
    expect(r.orders.map((o) => [o.status, o.filledQty])).toEqual([['FILLED', '10']]);
    onePerId(w);
    await reconciled(w, '90000');
  });

  it('throws the retryable error when the connection drops after an accept, and the re-run adopts', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    w.broker.faults.crashAfterAccept();
    await expect(w.run(BOOK_A, [line('buy', 'SPY', '10')])).rejects.toBeInstanceOf(BrokerUnavailableError);
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '10')]);
    expect(r.orders.map((o) => [o.status, o.filledQty])).toEqual([['FILLED', '10']]);
    onePerId(w);
    await reconciled(w, '90000');
  });

  it('records a broker rejection and ends FAILED when nothing filled', async () => {
    // The book claims more cash than the account has
    const w = await makeWorld(endpoint(), { startingCash: '1000' });
    await w.fund(BOOK_A, '10000');
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '10')]);
    expect(r.outcome).toBe('FAILED');
    expect(r.orders.map((o) => o.status)).toEqual(['REJECTED']);
    expect(r.orders[0]?.reason).toMatch(/InsufficientBuyingPower/);
    expect(w.brokerOrders().size).toBe(0);
  });

  it('serializes two books trading one symbol in opposite directions (no wash trade)', async () => {
    // Arrange: A holds 10 SPY; A sells them, B buys 10 — A's sell stays open for a while
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '5000');
    await w.fund(BOOK_B, '10000');
    await w.run(BOOK_A, [line('buy', 'SPY', '10')], { input: { stage: 'seed' } });
    w.broker.faults.delayFill({ polls: 3, symbol: 'SPY' });
    const crash = crashAt('mid-poll');
    // Act 1: A's worker dies while its sell is open, holding SPY's lease
    await expect(w.run(BOOK_A, [line('sell', 'SPY', '10')], { fault: crash })).rejects.toThrow(
      /simulated crash/,
    );
    expect((await w.broker.listOpenOrders()).map((o) => o.side)).toEqual(['sell']);
    // Act 2: B wants to buy SPY now: the lease says busy (retryable), nothing reaches the broker
    await expect(w.run(BOOK_B, [line('buy', 'SPY', '10')])).rejects.toBeInstanceOf(SymbolBusyError);
    expect((await w.ledger.getOrder('ens_2025-06-02_test_s-beta_SPY_b_1'))?.status).toBe('INTENT');
    expect(await w.broker.getOrderByClientId('ens_2025-06-02_test_s-beta_SPY_b_1')).toBeNull();
    // Act 3: A's retry finishes its sell and frees SPY; B's retry buys
    const a = await w.run(BOOK_A, [line('sell', 'SPY', '10')]);
    const b = await w.run(BOOK_B, [line('buy', 'SPY', '10')]);
    // Assert
    expect(a.orders.map((o) => o.status)).toEqual(['FILLED']);
    expect(b.orders.map((o) => o.status)).toEqual(['FILLED']);
    onePerId(w);
    await reconciled(w, '85000');
  });

  it('still never trips the broker when a lease expired: the broker says busy and the retry completes', async () => {
    // Arrange: as above, but A's lease runs out while its sell is still open
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '5000');
    await w.fund(BOOK_B, '10000');
    await w.run(BOOK_A, [line('buy', 'SPY', '10')], { input: { stage: 'seed' } });
    w.broker.faults.delayFill({ polls: 3, symbol: 'SPY' });
    await expect(
      w.run(BOOK_A, [line('sell', 'SPY', '10')], { fault: crashAt('mid-poll') }),
    ).rejects.toThrow();
    w.time.advance(301_000);
    // Act: B gets the lease, but the broker refuses the opposite order while A's sell is open
    await expect(w.run(BOOK_B, [line('buy', 'SPY', '10')])).rejects.toBeInstanceOf(SymbolBusyError);
    const a = await w.run(BOOK_A, [line('sell', 'SPY', '10')]);
    const b = await w.run(BOOK_B, [line('buy', 'SPY', '10')]);
    // Assert
    expect([a.outcome, b.outcome]).toEqual(['TRADED', 'TRADED']);
    onePerId(w);
    await reconciled(w, '85000');
  });
});
