import { expect, it } from 'vitest';
import { fundBooks } from './operations/index.ts';
import { allPages } from './pages.ts';
import type { LedgerRepository } from './repository/index.ts';
import { forEachServer, newTestLedger, type TestLedger } from './testing/index.ts';

const DAY = '2025-01-02';
const RUN = `${DAY}.local`;

/** A book with cash, one filled order and its NAV, in whichever scope `ledger` is. */
const trade = async (ledger: LedgerRepository, bookId: `strategy#${string}`, amount: string) => {
  await ledger.applyTransfer({
    transferId: `fund:${bookId}`,
    day: DAY,
    kind: 'cash',
    from: 'unallocated',
    to: bookId,
    amount,
    reason: 'capital',
  });
  const clientOrderId = `ens_${DAY}_local_s-${bookId.slice(9)}_SPY_b_1`;
  await ledger.recordOrderIntent({
    clientOrderId,
    runId: RUN,
    tradingDay: DAY,
    bookId,
    symbol: 'SPY',
    side: 'buy',
    requestedQty: '2',
  });
  await ledger.recordFill({
    fillId: `${clientOrderId}:2`,
    clientOrderId,
    runId: RUN,
    tradingDay: DAY,
    bookId,
    symbol: 'SPY',
    side: 'buy',
    qty: '2',
    price: '100',
    filledAt: '2025-01-02T20:59:00.000Z',
  });
  await ledger.applyFill(`${clientOrderId}:2`);
  await ledger.recordNav({ bookId, day: DAY, cash: '0', positionsValue: '200', nav: '200' });
  await ledger.createRun({ tradingDay: DAY, stage: 'local', asOf: DAY, dataSnapshot: 's', flows: {} });
};

/** Everything the production queries of reconciliation, Finalize and the reports read. */
const seen = async (ledger: LedgerRepository) => ({
  positions: (await allPages((o) => ledger.listAllPositions(o))).map(
    (p) => `${p.bookId}:${p.symbol}:${p.qty}`,
  ),
  cash: (await allPages((o) => ledger.listCashBalances(o))).map((c) => `${c.bookId}:${c.cash}`),
  navs: (await allPages((o) => ledger.listNavOfDay(DAY, o))).map((n) => `${n.bookId}:${n.nav}`),
  orders: (await allPages((o) => ledger.listOrdersOfRun(RUN, o))).map((o) => o.bookId),
  fills: (await allPages((o) => ledger.listFillsOfRun(RUN, o))).map((f) => f.bookId),
  runs: (await allPages((o) => ledger.listRuns(o))).map((r) => r.runId),
  transfers: (await allPages((o) => ledger.listTransfers(o))).map((t) => t.to),
  flows: (await ledger.getFlowState()).flows,
});

forEachServer('ledger scopes', (endpoint, server) => {
  let t: TestLedger;
  const shadowOf = (tl: TestLedger) => tl.shadowLedger();

  it('no production query reads a shadow record, and no shadow query reads a production one', async () => {
    // Arrange: the same book id traded in both scopes of one table, and a shadow FlowState.
    t = await newTestLedger(endpoint());
    const shadow = shadowOf(t);
    await trade(shadow, 'strategy#gold', '200');
    await fundBooks(shadow, {
      policy: { kind: 'fixed', allocations: { trial: '0.5' } },
      strategies: [{ id: 'trial', flow: 'per-book' }],
      accountEquity: '1000',
      day: DAY,
    });
    const before = await seen(t.ledger);
    await trade(t.ledger, 'strategy#gold', '300');

    // Act
    const production = await seen(t.ledger);
    const paper = await seen(shadow);

    // Assert: production sees nothing the shadow wrote (before it traded: nothing at all) …
    expect(before).toEqual({
      positions: [],
      cash: [],
      navs: [],
      orders: [],
      fills: [],
      runs: [],
      transfers: [],
      flows: {},
    });
    expect(production).toEqual({
      positions: ['strategy#gold:SPY:2'],
      cash: ['strategy#gold:100'],
      navs: ['strategy#gold:200'],
      orders: ['strategy#gold'],
      fills: ['strategy#gold'],
      runs: [RUN],
      transfers: ['strategy#gold'],
      flows: {},
    });
    // … and the shadow sees only its own (its book funded with 200, not 300; its FlowState).
    expect(paper.cash.sort()).toEqual(['strategy#gold:0', 'strategy#trial:500']);
    expect(paper.flows).toEqual({ trial: 'per-book' });
    expect((await shadow.getBook('strategy#gold')).cash).toBe('0');
    expect((await t.ledger.getBook('strategy#gold')).cash).toBe('100');
    // Every shadow item's keys carry the shadow service; production's the production one (the memory
    // ledger: the shadow scope's records are its own).
    const items = await t.scan();
    if (server.kind === 'memory') {
      expect(items.filter((i) => i.scope === 'shadow').length).toBeGreaterThan(0);
      expect(items.filter((i) => i.scope === undefined && i.table === 'transfers').length).toBe(1);
    } else {
      const keys = items.flatMap((i) => [i.pk, i.gsi1pk, i.gsi2pk].filter((k) => typeof k === 'string'));
      expect(keys.every((k) => /^\$ensemble(-shadow)?[#]?/.test(String(k)))).toBe(true);
      expect(keys.filter((k) => String(k).startsWith('$ensemble-shadow')).length).toBeGreaterThan(0);
    }
  });

  it('paper accounts: created once, replaced on their version only, archived orders found both ways', async () => {
    // Arrange
    t = await newTestLedger(endpoint());
    const shadow = shadowOf(t);

    // Act / Assert
    expect(await shadow.getPaperAccount('acc')).toBeNull();
    expect(await shadow.createPaperAccount('acc', '{"cash":"1"}')).toBe(true);
    expect(await shadow.createPaperAccount('acc', '{"cash":"2"}')).toBe(false);
    expect(await shadow.getPaperAccount('acc')).toEqual({
      accountId: 'acc',
      state: '{"cash":"1"}',
      version: 1,
    });
    expect(await shadow.replacePaperAccount('acc', '{"cash":"3"}', 1)).toBe(true);
    expect(await shadow.replacePaperAccount('acc', '{"cash":"4"}', 1)).toBe(false);
    expect(await shadow.getPaperAccount('acc')).toEqual({
      accountId: 'acc',
      state: '{"cash":"3"}',
      version: 2,
    });
    const order = { clientOrderId: 'c1', orderId: 'b1', order: '{"id":"b1"}' };
    await shadow.archivePaperOrders('acc', [order]);
    await shadow.archivePaperOrders('acc', [order]);
    expect(await shadow.getPaperOrder('acc', 'c1')).toBe('{"id":"b1"}');
    expect(await shadow.paperClientOrderIdOf('acc', 'b1')).toBe('c1');
    expect(await shadow.getPaperOrder('other', 'c1')).toBeNull();
    expect(await shadow.paperClientOrderIdOf('acc', 'b2')).toBeNull();
    // Kept some weeks, then swept by DynamoDB's TTL.
    const stored = (await t.scan()).find(
      (i) => i.__edb_e__ === 'paperAccount' || i.table === 'paperAccounts',
    );
    expect(Number(stored?.ttl)).toBeGreaterThan(Date.parse('2025-01-02T21:00:00Z') / 1000 + 30 * 86400);
  });
});
