import { BrokerUnavailableError } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { BOOK_A, BOOK_B, DAY, LOOSE_RAILS, line, makeWorld, useDynamo, type World } from './testing/index.ts';

const endpoint = useDynamo();

const noOrders = async (w: World, runId = `${DAY}.test`) => {
  expect(w.brokerOrders().size).toBe(0);
  expect((await w.ledger.listOrdersOfRun(runId)).data).toEqual([]);
};

const newRun = (w: World, stage: string, day = DAY) =>
  w.ledger.createRun({ tradingDay: day, stage, asOf: day, dataSnapshot: 'test', flows: {} });

describe('rails', () => {
  it('kill switch: no order at all, the rail named', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    await w.ledger.setKillSwitch({ enabled: true, reason: 'drill', updatedBy: 'ops' });
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '1'), line('buy', 'GLD', '1')]);
    expect([r.outcome, r.rail]).toEqual(['BLOCKED', 'kill-switch']);
    expect(r.reason).toMatch(/drill/);
    expect(r.skipped.map((s) => s.symbol)).toEqual(['SPY', 'GLD']);
    await noOrders(w);
  });

  it('kill switch flipped between a sell and the buys stops the buys only', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    await w.run(BOOK_A, [line('buy', 'SPY', '4')], { input: { stage: 'seed' } });
    const ledger = {
      ...w.ledger,
      // the switch is flipped as soon as the sell is recorded terminal
      updateOrderStatus: async (i: Parameters<World['ledger']['updateOrderStatus']>[0]) => {
        const r = await w.ledger.updateOrderStatus(i);
        if (i.status === 'FILLED')
          await w.ledger.setKillSwitch({ enabled: true, reason: 'mid-run', updatedBy: 'ops' });
        return r;
      },
    };
    const r = await w.run(BOOK_A, [line('sell', 'SPY', '4'), line('buy', 'AAPL', '1')], { deps: { ledger } });
    expect([r.outcome, r.rail]).toEqual(['BLOCKED', 'kill-switch']);
    expect(r.orders.map((o) => [o.side, o.status])).toEqual([['sell', 'FILLED']]);
  });

  it('max order notional with oversizedOrders: block stops the whole plan before any order', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const rails = { ...LOOSE_RAILS, maxOrderNotional: '4999.99', oversizedOrders: 'block' as const };
    const r = await w.run(BOOK_A, [line('buy', 'GLD', '1'), line('buy', 'SPY', '10')], { deps: { rails } });
    expect([r.outcome, r.rail]).toEqual(['BLOCKED', 'max-order-notional']);
    expect(r.reason).toMatch(/buy 10 SPY = 5000 \(oversizedOrders: block\)/);
    await noOrders(w);
  });

  it('max order notional splits an oversized line into child orders within the cap (the default)', async () => {
    // Arrange: 28 433 of SPY at 500 against a 25 000 cap, as the pool's TQQQ buy of the issue.
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '30000');
    const rails = { ...LOOSE_RAILS, maxOrderNotional: '25000' };
    const lines = [line('buy', 'SPY', '56.866'), line('buy', 'GLD', '2')];
    // Act
    const r = await w.run(BOOK_A, lines, { deps: { rails } });
    // Assert: two children of SPY (legs 1 and 2, equal to the last 9th decimal), GLD whole.
    expect(r.outcome).toBe('TRADED');
    expect(r.orders.map((o) => [o.clientOrderId, o.qty, o.status])).toEqual([
      ['ens_2025-06-02_test_s-alpha_SPY_b_1', '28.433', 'FILLED'],
      ['ens_2025-06-02_test_s-alpha_SPY_b_2', '28.433', 'FILLED'],
      ['ens_2025-06-02_test_s-alpha_GLD_b_1', '2', 'FILLED'],
    ]);
    // A re-run (retry, redrive) splits the same way and adopts every child: nothing placed twice.
    const again = await w.run(BOOK_A, lines, { deps: { rails } });
    expect(again.orders.map((o) => o.clientOrderId)).toEqual(r.orders.map((o) => o.clientOrderId));
    expect(w.brokerOrders().size).toBe(3);
    for (const ids of w.brokerOrders().values()) expect(ids.size).toBe(1);
  });

  it('the per-order cap scales with the book: a multiple of its NAV, the lower absolute cap on top', async () => {
    // Arrange: two books, 4 000 and 40 000, each buying 3 000 of SPY (6 at 500), half its NAV at most.
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '4000');
    await w.fund(BOOK_B, '40000');
    const rails = { ...LOOSE_RAILS, maxOrderBookFraction: '0.5', oversizedOrders: 'block' as const };
    const { maxOrderNotional: _, ...noAbsolute } = rails;
    // Act
    const small = await w.run(BOOK_A, [line('buy', 'SPY', '6')], { deps: { rails: noAbsolute } });
    const big = await w.run(BOOK_B, [line('buy', 'SPY', '6')], { deps: { rails: noAbsolute } });
    const capped = await w.run(BOOK_B, [line('buy', 'SPY', '6')], {
      deps: { rails: { ...rails, maxOrderNotional: '2500' } },
      input: { stage: 'capped' },
    });
    // Assert: the small book's cap is 2 000 (the fraction named), the big one's 20 000, unless capped at 2 500.
    expect([small.outcome, small.rail]).toEqual(['BLOCKED', 'max-order-notional']);
    expect(small.reason).toMatch(/over 2000 \(0\.5 × NAV 4000\) per order: buy 6 SPY = 3000/);
    expect(big.outcome).toBe('TRADED');
    expect([capped.outcome, capped.rail]).toEqual(['BLOCKED', 'max-order-notional']);
    expect(capped.reason).toMatch(/over 2500 \(cap 2500\) per order/);
  });

  it('under the default fraction, selling a whole book that holds no cash is one order', async () => {
    // Arrange: a book all in SPY (2.999999999 at 500 for its 1 500, no cash left): its NAV, 1 499.9999995, is
    // exactly the sell's notional, below a cent.
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '1500');
    const { maxOrderNotional: _, maxOrderBookFraction: __, ...loose } = LOOSE_RAILS;
    const rails = { ...loose, buyCashBufferBps: 0 };
    await w.run(BOOK_A, [line('buy', 'SPY', '2.999999999')], { deps: { rails }, input: { stage: 'in' } });
    // Act
    const out = await w.run(BOOK_A, [line('sell', 'SPY', '2.999999999')], {
      deps: { rails },
      input: { stage: 'out', bookNav: '1499.9999995' },
    });
    // Assert: one order, not a split at a cap rounded to cents.
    expect(out.outcome).toBe('TRADED');
    expect(out.orders.map((o) => [o.qty, o.status])).toEqual([['2.999999999', 'FILLED']]);
  });

  it("the split's basis is the NAV recorded with the plan: a retry after the book moved splits the same way", async () => {
    // Arrange: a 10 000 book whose plan (made at NAV 10 000) buys 18 SPY (9 000) under a 0.25 × NAV cap.
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const { maxOrderNotional: _, ...rails } = { ...LOOSE_RAILS, maxOrderBookFraction: '0.25' };
    const lines = [line('buy', 'SPY', '18')];
    const first = await w.run(BOOK_A, lines, { deps: { rails }, input: { bookNav: '10000' } });
    // Act: the book is worth more now (funded again); the retry reads the plan's NAV, not today's.
    await w.fund(BOOK_A, '30000');
    const again = await w.run(BOOK_A, lines, { deps: { rails }, input: { bookNav: '10000' } });
    // Assert: four children of at most 2 500 (5, 5, 4, 4 shares), adopted by the retry, nothing twice.
    expect(first.orders.map((o) => o.qty)).toEqual(['5', '5', '4', '4']);
    expect(again.orders.map((o) => o.clientOrderId)).toEqual(first.orders.map((o) => o.clientOrderId));
    expect(w.brokerOrders().size).toBe(4);
  });

  it('a share over the per-order cap cannot be split: BLOCKED, saying why', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const rails = { ...LOOSE_RAILS, maxOrderNotional: '400' };
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '2')], { deps: { rails } });
    expect([r.outcome, r.rail]).toEqual(['BLOCKED', 'max-order-notional']);
    expect(r.reason).toMatch(/buy 2 SPY = 1000 \(cannot be split within the cap/);
    await noOrders(w);
  });

  it('daily turnover scales with the book: a multiple of its NAV, an absolute cap on top', async () => {
    // Arrange: two books, 4 000 and 40 000, the same 1.5 × NAV turnover limit.
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '4000');
    await w.fund(BOOK_B, '40000');
    const rails = { ...LOOSE_RAILS, maxDailyTurnoverPerBook: '1.5' };
    await newRun(w, 'test');
    // Act: each buys 2.5 × 2 000 of SPY, then sells it all again (4 000 and 40 000 of turnover).
    const small = await w.run(BOOK_A, [line('buy', 'SPY', '8')], { deps: { rails } });
    const big = await w.run(BOOK_B, [line('buy', 'SPY', '80')], { deps: { rails } });
    const smallOut = await w.run(BOOK_A, [line('sell', 'SPY', '8')], {
      deps: { rails },
      input: { runId: `${DAY}.test`, stage: 'again' },
    });
    // Assert: the same rule lets each book trade its own size once, and stops the second round trip.
    expect([small.outcome, big.outcome]).toEqual(['TRADED', 'TRADED']);
    expect([smallOut.outcome, smallOut.rail]).toEqual(['BLOCKED', 'max-daily-notional-book']);
    expect(smallOut.reason).toMatch(
      /has 4000 reserved today; this plan adds 4000, over 6000 \(1.5 × NAV 4000\)/,
    );
    // An absolute cap applies when it is lower than the multiple.
    const capped = { ...rails, maxDailyNotionalPerBook: '41000' };
    const bigOut = await w.run(BOOK_B, [line('sell', 'SPY', '80')], {
      deps: { rails: capped },
      input: { stage: 'again' },
    });
    expect([bigOut.outcome, bigOut.rail]).toEqual(['BLOCKED', 'max-daily-notional-book']);
    expect(bigOut.reason).toMatch(/over 41000 \(cap 41000\)/);
  });

  it('max daily notional per book counts the day’s earlier orders of the book', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '20000');
    const rails = { ...LOOSE_RAILS, maxDailyNotionalPerBook: '8000' };
    await newRun(w, 'one');
    await newRun(w, 'two');
    const first = await w.run(BOOK_A, [line('buy', 'SPY', '10')], {
      deps: { rails },
      input: { stage: 'one', runId: `${DAY}.one` },
    });
    expect(first.outcome).toBe('TRADED');
    const second = await w.run(BOOK_A, [line('buy', 'SPY', '7')], {
      deps: { rails },
      input: { stage: 'two', runId: `${DAY}.two` },
    });
    expect([second.outcome, second.rail]).toEqual(['BLOCKED', 'max-daily-notional-book']);
    expect(second.reason).toMatch(/has 5000 reserved today; this plan adds 3500, over 8000/);
    expect((await w.ledger.listOrdersOfRun(`${DAY}.two`)).data).toEqual([]);
    expect(w.brokerOrders().size).toBe(1);
    // Within the limit, the same book trades again.
    const third = await w.run(BOOK_A, [line('buy', 'SPY', '6')], {
      deps: { rails },
      input: { stage: 'two', runId: `${DAY}.two` },
    });
    expect(third.outcome).toBe('TRADED');
  });

  it('max daily notional per account counts every book', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '20000');
    await w.fund(BOOK_B, '20000');
    const rails = { ...LOOSE_RAILS, maxDailyNotionalPerAccount: '8000' };
    await newRun(w, 'test');
    expect((await w.run(BOOK_A, [line('buy', 'SPY', '10')], { deps: { rails } })).outcome).toBe('TRADED');
    const b = await w.run(BOOK_B, [line('buy', 'SPY', '7')], { deps: { rails } });
    expect([b.outcome, b.rail]).toEqual(['BLOCKED', 'max-daily-notional-account']);
  });

  it('daily notional: a re-run of the same plan is counted once; books at once cannot overshoot the account', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '20000');
    await w.fund(BOOK_B, '20000');
    const rails = { ...LOOSE_RAILS, maxDailyNotionalPerBook: '8000', maxDailyNotionalPerAccount: '8000' };
    await newRun(w, 'test');
    // Two books plan 5000 each at the same moment: exactly one fits the account's 8000.
    const [a, b] = await Promise.all([
      w.run(BOOK_A, [line('buy', 'SPY', '10')], { deps: { rails } }),
      w.run(BOOK_B, [line('buy', 'SPY', '10')], { deps: { rails } }),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(['BLOCKED', 'TRADED']);
    expect([a, b].find((r) => r.outcome === 'BLOCKED')?.rail).toBe('max-daily-notional-account');
    // The book that traded runs the same plan again (a redrive): its reservation is found, not doubled.
    const traded = a.outcome === 'TRADED' ? BOOK_A : BOOK_B;
    const again = await w.run(traded, [line('buy', 'SPY', '10')], { deps: { rails } });
    expect(again.outcome).toBe('TRADED');
    expect(w.brokerOrders().size).toBe(1);
  });

  it('an order waits for a symbol another book holds, and is SymbolBusy only past leaseWaitMs', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    await w.ledger.acquireLease({
      symbol: 'SPY',
      holder: 'other/book',
      ttlSeconds: 300,
      now: w.time.clock(),
    });
    // The other book releases the symbol after three polls (750 ms of the fake clock).
    let polls = 0;
    const sleep = async (ms: number) => {
      polls += 1;
      if (polls === 3) await w.ledger.releaseLease({ symbol: 'SPY', holder: 'other/book' });
      await w.time.sleep(ms);
    };
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '1')], { deps: { sleep } });
    expect(r.outcome).toBe('TRADED');
    expect(polls).toBeGreaterThanOrEqual(3);
    // Held for longer than the wait: SymbolBusy (retryable), nothing placed.
    await w.ledger.acquireLease({
      symbol: 'GLD',
      holder: 'other/book',
      ttlSeconds: 300,
      now: w.time.clock(),
    });
    const started = w.time.clock().getTime();
    const rails = { ...LOOSE_RAILS, leaseWaitMs: 2_000 };
    await expect(
      w.run(BOOK_A, [line('buy', 'GLD', '1')], { deps: { rails }, input: { runId: `${DAY}.b`, stage: 'b' } }),
    ).rejects.toMatchObject({ name: 'SymbolBusy' });
    expect(w.time.clock().getTime() - started).toBeGreaterThanOrEqual(2_000);
    expect(w.brokerOrders().size).toBe(1);
  });

  it.each([
    ['a weekend', '2025-06-07', '2025-06-07T15:00:00.000Z', /no trading session/],
    ['after the close', DAY, '2025-06-02T20:30:00.000Z', /market closed at/],
    ['before the open', DAY, '2025-06-02T12:00:00.000Z', /market closed at/],
    ['another day than the broker’s', DAY, '2025-06-03T15:00:00.000Z', /broker's date is 2025-06-03/],
    ['a holiday', '2025-07-04', '2025-07-04T15:00:00.000Z', /no trading session/],
  ])('market closed on %s: SKIPPED, no order', async (_, day, at, reason) => {
    const w = await makeWorld(endpoint(), { at });
    await w.fund(BOOK_A, '10000');
    const prices = { SPY: { price: '500', session: day } };
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '1')], {
      input: { tradingDay: day, asOf: day, prices, runId: `${day}.test` },
    });
    expect([r.outcome, r.rail]).toEqual(['SKIPPED', 'market-closed']);
    expect(r.reason).toMatch(reason);
    expect(w.brokerOrders().size).toBe(0);
  });

  it('calendar unknown: SKIPPED (never assume open); a retryable broker failure is thrown instead', async () => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const broken = { ...w.broker, getCalendar: async () => Promise.reject(new Error('calendar feed down')) };
    const r = await w.run(BOOK_A, [line('buy', 'SPY', '1')], { deps: { broker: broken } });
    expect([r.outcome, r.rail]).toEqual(['SKIPPED', 'calendar-unknown']);
    const noHours = { ...w.broker, getCalendar: async () => [{ date: DAY, open: '', close: '' }] };
    expect((await w.run(BOOK_A, [line('buy', 'SPY', '1')], { deps: { broker: noHours } })).rail).toBe(
      'calendar-unknown',
    );
    w.broker.faults.failNext('getCalendar');
    await expect(w.run(BOOK_A, [line('buy', 'SPY', '1')])).rejects.toBeInstanceOf(BrokerUnavailableError);
    await noOrders(w);
  });

  it.each([
    ['missing', {}, /SPY: no price/],
    ['zero', { SPY: { price: '0', session: DAY } }, /not positive/],
    ['negative', { SPY: { price: '-5', session: DAY } }, /not positive/],
    ['not a number', { SPY: { price: 'abc', session: DAY } }, /not a decimal/],
    [
      'older than the as-of session',
      { SPY: { price: '500', session: '2025-05-30' } },
      /older than the as-of/,
    ],
  ])('price %s: BLOCKED, no order', async (_, spy, reason) => {
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const prices = { GLD: { price: '180', session: DAY }, ...spy };
    const r = await w.run(BOOK_A, [line('buy', 'GLD', '1'), line('buy', 'SPY', '1')], { input: { prices } });
    expect([r.outcome, r.rail]).toEqual(['BLOCKED', 'price-invalid']);
    expect(r.reason).toMatch(reason);
    await noOrders(w);
  });

  it('equity drop breaker halts buys but lets sells through', async () => {
    // Arrange: yesterday the books were worth 10000 (NAV); A bought 10 SPY at 500 today, then SPY fell to 100
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    await w.run(BOOK_A, [line('buy', 'SPY', '10')], { input: { stage: 'seed' } });
    await newRun(w, 'close', '2025-05-30');
    await w.ledger.recordNav({
      bookId: BOOK_A,
      day: '2025-05-30',
      cash: '10000',
      positionsValue: '0',
      nav: '10000',
    });
    w.prices.set('SPY', '100');
    const prices = { SPY: { price: '100', session: DAY }, AAPL: { price: '200', session: DAY } };
    // Act: books now 5000 cash + 10 × 100 = 6000, down 40% (limit 15%)
    const rails = { ...LOOSE_RAILS, maxEquityDropPct: '15' };
    const r = await w.run(BOOK_A, [line('sell', 'SPY', '2'), line('buy', 'AAPL', '1')], {
      deps: { rails },
      input: { prices },
    });
    // Assert
    expect([r.outcome, r.rail]).toEqual(['BLOCKED', 'equity-drop']);
    expect(r.reason).toMatch(/down 40%/);
    expect(r.orders.map((o) => [o.side, o.status])).toEqual([['sell', 'FILLED']]);
    expect(r.skipped.map((s) => s.symbol)).toEqual(['AAPL']);
    // A looser breaker lets the buy through.
    const loose = { ...LOOSE_RAILS, maxEquityDropPct: '45' };
    const again = await w.run(BOOK_A, [line('buy', 'AAPL', '1')], {
      deps: { rails: loose },
      input: { prices, stage: 'later', runId: `${DAY}.later` },
    });
    expect(again.outcome).toBe('TRADED');
  });

  it('equity drop breaker uses the comparison made at the run start when given, reading no book cash', async () => {
    // Arrange: books worth as much as at the last NAV (no drop) ...
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const rails = { ...LOOSE_RAILS, maxEquityDropPct: '15' };
    let cashReads = 0;
    const ledger = {
      ...w.ledger,
      listCashBalances: (o?: Parameters<World['ledger']['listCashBalances']>[0]) => {
        cashReads += 1;
        return w.ledger.listCashBalances(o);
      },
    };
    // ... but the run's start recorded a 40 % fall: the breaker trusts the run's comparison.
    const equityAtRunStart = { baselineDay: '2025-05-30', baseline: '10000', current: '6000', dropPct: '40' };
    // Act
    const r = await w.run(BOOK_A, [line('buy', 'AAPL', '1')], { deps: { rails, ledger, equityAtRunStart } });
    // Assert
    expect([r.outcome, r.rail]).toEqual(['BLOCKED', 'equity-drop']);
    expect(r.reason).toMatch(/6000 now vs 10000 on 2025-05-30: down 40%/);
    expect(cashReads).toBe(0);
    await noOrders(w);
    // Without it, the comparison is made on the call (every book's cash read), and nothing fell.
    const again = await w.run(BOOK_A, [line('buy', 'AAPL', '1')], { deps: { rails, ledger } });
    expect(again.outcome).toBe('TRADED');
    expect(cashReads).toBeGreaterThan(0);
  });

  it('refuses invalid rail settings (fail closed)', async () => {
    const w = await makeWorld(endpoint());
    for (const rails of [
      { maxOrderNotional: '-1' },
      { maxOrderNotional: '0' },
      { maxOrderBookFraction: '0' },
      { unknownRail: true },
      { leaseTtlSeconds: 0 },
    ]) {
      await expect(
        w.run(BOOK_A, [line('buy', 'SPY', '1')], { deps: { rails: rails as never } }),
      ).rejects.toThrow(/invalid rail settings/);
    }
  });
});
