/**
 * The memory ledger against the DynamoDB one, side by side: the same planner-driven days (funding, runs,
 * signals, plans, pool attributions, orders, partial fills, NAVs) written to both read back identically
 * through every read and list of the repository, page by page, and leave both frozen against changes by
 * a caller. (The whole ledger suite also runs on the memory ledger: see testing/servers.ts.)
 */
import { describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from './embedded.ts';
import { createMemoryLedger } from './memory/index.ts';
import { allPages } from './pages.ts';
import type { LedgerRepository } from './repository/index.ts';
import { fixedClock, newTestLedger, PLANNED_STRATEGIES, planDay } from './testing/index.ts';
import type { BookId, PageOptions } from './types.ts';

const DAYS = ['2025-01-02', '2025-01-03', '2025-01-06'];

/** Every page of a list, at a small page size (so cursors are exercised). */
const pages = <T>(list: (o: PageOptions) => Promise<{ data: T[]; cursor: string | null }>) =>
  allPages((o) => list({ ...o, limit: 3 }));

/** Everything the repository can read back after the days. */
const readAll = async (ledger: LedgerRepository) => {
  const runs = await pages((o) => ledger.listRuns(o));
  const books: BookId[] = ['pool', ...PLANNED_STRATEGIES.map((s): BookId => `strategy#${s.id}`)];
  const timeline = async (runId: string) => {
    const out: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<LedgerRepository['getRunTimeline']>> = await ledger.getRunTimeline(
        runId,
        { limit: 4, cursor },
      );
      out.push(page.data);
      cursor = page.cursor;
    } while (cursor !== null);
    // Pages may split differently at their edges; their records, kind by kind, may not.
    const kinds = [
      'runs',
      'strategyRuns',
      'signals',
      'plans',
      'poolAttributions',
      'orders',
      'fills',
    ] as const;
    return Object.fromEntries(
      kinds.map((k) => [k, out.flatMap((p) => (p as Record<string, unknown[]>)[k] ?? [])]),
    );
  };
  return {
    runs,
    timelines: await Promise.all(runs.map((r) => timeline(r.runId))),
    perRun: await Promise.all(
      runs.map(async (r) => ({
        strategyRuns: await pages((o) => ledger.listStrategyRunsOfRun(r.runId, o)),
        signals: await pages((o) => ledger.listSignalsOfRun(r.runId, o)),
        plans: await pages((o) => ledger.listPlansOfRun(r.runId, o)),
        attributions: await pages((o) => ledger.listPoolAttributionsOfRun(r.runId, o)),
        orders: await pages((o) => ledger.listOrdersOfRun(r.runId, o)),
        fills: await pages((o) => ledger.listFillsOfRun(r.runId, o)),
      })),
    ),
    perStrategy: await Promise.all(
      PLANNED_STRATEGIES.map(async (s) => ({
        strategyRuns: await pages((o) => ledger.listStrategyRunsOfStrategy(s.id, { ...o, from: DAYS[1] })),
        signals: await pages((o) => ledger.listSignalsOfStrategy(s.id, { ...o, to: DAYS[1] })),
        attributions: await pages((o) => ledger.listPoolAttributionsOfStrategy(s.id, o)),
      })),
    ),
    perBook: await Promise.all(
      books.map(async (b) => ({
        book: await ledger.getBook(b),
        positions: await pages((o) => ledger.listPositions(b, o)),
        plans: await pages((o) => ledger.listPlansOfBook(b, o)),
        orders: await pages((o) => ledger.listOrdersOfBook(b, { ...o, from: DAYS[1], to: DAYS[2] })),
        fills: await pages((o) => ledger.listFillsOfBook(b, o)),
        navs: await pages((o) => ledger.listNav(b, { ...o, from: DAYS[0], to: DAYS[1] })),
      })),
    ),
    navsOfDay: await Promise.all(DAYS.map((d) => pages((o) => ledger.listNavOfDay(d, o)))),
    positions: await pages((o) => ledger.listAllPositions(o)),
    holders: await pages((o) => ledger.listHoldersOfSymbol('SPY', o)),
    cash: await pages((o) => ledger.listCashBalances(o)),
    transfers: await pages((o) => ledger.listTransfers(o)),
    unallocatedCash: await pages((o) => ledger.listUnallocatedCashTransfers(o)),
    transferPlans: await pages((o) => ledger.listTransferPlans(o)),
    flowState: await ledger.getFlowState(),
    killSwitch: await ledger.getKillSwitch(),
  };
};

describe('the memory ledger', () => {
  it('reads back planned days exactly as the DynamoDB ledger does, list by list and page by page', async () => {
    // Arrange: one DynamoDB ledger (dynalite), one memory ledger, the same fixed clock.
    const db = await startEmbeddedDynamo();
    try {
      const dynamo = (await newTestLedger(db.endpoint)).ledger;
      const memory = createMemoryLedger({ clock: fixedClock() });
      // Act
      for (const day of DAYS) {
        await planDay(dynamo, { day });
        await planDay(memory, { day });
      }
      const [want, got] = await Promise.all([readAll(dynamo), readAll(memory)]);
      // Assert
      expect(want.runs).toHaveLength(DAYS.length);
      expect(want.perBook.some((b) => b.book.positions.length > 0)).toBe(true);
      expect(want.unallocatedCash.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
    } finally {
      await db.stop();
    }
  }, 120_000);

  it('hands out records no caller can change', async () => {
    // Arrange
    const ledger = createMemoryLedger({ clock: fixedClock() });
    await planDay(ledger, { day: DAYS[0]! });
    const [order] = (await ledger.listOrdersOfRun(`${DAYS[0]}.rebalance`)).data;
    if (!order) throw new Error('no order');
    // Act / Assert
    expect(() => {
      (order as { status: string }).status = 'CANCELED';
    }).toThrow(TypeError);
    expect(() => order.statusHistory.push({ status: 'CANCELED', at: '' })).toThrow(TypeError);
    expect((await ledger.getOrder(order.clientOrderId))?.status).toBe('FILLED');
  });
});
