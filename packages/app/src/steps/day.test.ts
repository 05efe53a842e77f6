import { bookOf, POOL_BOOK } from '@ensemble/core';
import { allPages, type LedgerRepository } from '@ensemble/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DayResult, driveDay, startWorld, stepsOf, type World } from '../testing/world.ts';

/** Everything a day wrote, counted (and the broker's view), to compare before and after re-runs. */
const stateOf = async (world: World, runId: string, day: string) => {
  const l: LedgerRepository = world.ledger;
  const orders = await allPages((o) => l.listOrdersOfRun(runId, o));
  return {
    orders: orders.map((o) => `${o.clientOrderId}:${o.status}:${o.filledQty}`).sort(),
    fills: (await allPages((o) => l.listFillsOfRun(runId, o))).map((f) => f.fillId).sort(),
    signals: (await allPages((o) => l.listSignalsOfRun(runId, o))).length,
    plans: (await allPages((o) => l.listPlansOfRun(runId, o))).length,
    strategyRuns: (await allPages((o) => l.listStrategyRunsOfRun(runId, o)))
      .map((s) => `${s.strategyId}:${s.outcome}`)
      .sort(),
    attributions: (await allPages((o) => l.listPoolAttributionsOfRun(runId, o))).length,
    transfers: (await allPages((o) => l.listTransfers(o))).map((t) => t.transferId).sort(),
    navs: (await allPages((o) => l.listNavOfDay(day, o))).map((n) => `${n.bookId}:${n.nav}`).sort(),
    positions: (await allPages((o) => l.listAllPositions(o))).map((p) => `${p.bookId}:${p.symbol}:${p.qty}`),
    cash: (await allPages((o) => l.listCashBalances(o))).map((c) => `${c.bookId}:${c.cash}`),
    broker: {
      positions: (await world.broker.listPositions()).map((p) => `${p.symbol}:${p.qty}`).sort(),
      cash: (await world.broker.getAccount()).cash,
      open: (await world.broker.listOpenOrders()).length,
    },
  };
};

describe('a trading day, step by step, on dynalite, the SimBroker and the bundled data', () => {
  let world: World;
  let day: DayResult;
  const D = '2025-11-28';

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it('skips a market holiday without creating a run', async () => {
    // Arrange: Thanksgiving 2025.
    world.setDay('2025-11-27');
    // Act
    const result = await driveDay(stepsOf(world), '2025-11-27');
    // Assert
    expect(result.prepare).toMatchObject({
      action: 'SKIP',
      reason: 'market closed on 2025-11-27',
      items: [],
    });
    expect(result.calls.map((c) => c.task)).toEqual(['PrepareRun']);
    expect(await world.ledger.getRun(result.prepare.runId)).toBeNull();
  });

  it('funds the books, trades every per-book strategy and the pool, and reconciles', async () => {
    // Arrange
    world.setDay(D);
    // Act
    day = await driveDay(stepsOf(world), D);
    // Assert: every per-book strategy traded on its own book; aggregated ones went through the pool.
    expect(day.prepare).toMatchObject({ action: 'TRADE', runId: `${D}.local`, hasPool: true });
    expect(day.prepare.snapshotRef).toMatch(/^snapshots\/2025-11-28\/[0-9a-f]{64}\.json$/);
    const perBook = world.config.strategies.filter((s) => s.flow === 'per-book').map((s) => s.id);
    const aggregated = world.config.strategies.filter((s) => s.flow === 'aggregated').map((s) => s.id);
    for (const b of day.branches) expect(b.outcome).toBe(b.flow === 'per-book' ? 'TRADED' : 'SKIPPED');
    expect(day.pool).toMatchObject({ outcome: 'TRADED' });
    expect(day.finalize).toEqual({
      runId: `${D}.local`,
      status: 'SUCCEEDED',
      reconciliation: { ok: true, differences: 0 },
      retryItems: [],
      retryBranches: 0,
      retryPool: false,
    });
    const run = await world.ledger.getRun(`${D}.local`);
    expect(run?.status).toBe('SUCCEEDED');
    // The equity breaker's comparison was made once, at the run's start (a fresh account: no NAV yet).
    expect(run?.equity).toEqual({ baselineDay: null, baseline: null, current: '100000', dropPct: null });
    expect(run?.flows).toMatchObject({ 'kmlm-switcher': 'aggregated', gold: 'per-book' });
    for (const id of perBook) {
      const book = await world.ledger.getBook(bookOf(id));
      expect(book.positions.length, id).toBeGreaterThan(0);
      const orders = await world.ledger.listOrdersOfBook(bookOf(id), { from: D, to: D });
      expect(
        orders.data.every((o) => o.status === 'FILLED'),
        id,
      ).toBe(true);
    }
    expect((await world.ledger.getBook(POOL_BOOK)).positions.length).toBeGreaterThan(0);
    const attributions = await world.ledger.listPoolAttributionsOfRun(`${D}.local`);
    expect(attributions.data.map((a) => a.strategyId).sort()).toEqual([...aggregated].sort());
    // One NAV per book (every per-book strategy and the pool).
    expect((await world.ledger.listNavOfDay(D)).data).toHaveLength(perBook.length + 1);
    // Every order in the ledger is the broker's order with the same client id.
    for (const o of (await allPages((p) => world.ledger.listOrdersOfRun(`${D}.local`, p))).slice(0, 5)) {
      expect((await world.broker.getOrderByClientId(o.clientOrderId))?.id).toBe(o.brokerOrderId);
    }
  });

  it('re-running every step with the same input duplicates nothing', async () => {
    // Arrange
    const before = await stateOf(world, `${D}.local`, D);
    const steps = stepsOf(world);
    // Act: every call of the day again, in order.
    const again: { task: string; output?: unknown; error?: string }[] = [];
    for (const c of day.calls) {
      try {
        again.push({ task: c.task, output: await steps[c.task](c.input) });
      } catch (e) {
        again.push({ task: c.task, error: (e as Error).name });
      }
    }
    // Assert: the finished run is not started again; recorded steps return what they returned; trading
    // steps refuse to trade outside a RUNNING run; Finalize reports the same.
    expect(again[0]?.output).toMatchObject({ action: 'SKIP', reason: 'already ran (SUCCEEDED)' });
    day.calls.forEach((c, i) => {
      const a = again[i]!;
      if (
        [
          'Evaluate',
          'PlanRebalance',
          'AggregatePool',
          'PlanPool',
          'RecordBranchFailure',
          'Finalize',
        ].includes(c.task)
      )
        expect(a.output, c.task).toEqual(c.output);
      if (c.task === 'Execute' || c.task === 'ExecutePool') expect(a.error).toBe('RunNotActiveError');
    });
    expect(await stateOf(world, `${D}.local`, D)).toEqual(before);
  });

  it('carries the books to the next day (every step retried), where a flag flip carves a strategy out of the pool', async () => {
    // Arrange: kmlm-switcher moves from the pool to its own book.
    const D2 = '2025-12-01';
    world.setDay(D2);
    const config = {
      ...world.config,
      strategies: world.config.strategies.map((s) =>
        s.id === 'kmlm-switcher' ? { ...s, flow: 'per-book' as const } : s,
      ),
    };
    const poolBefore = await world.ledger.getBook(POOL_BOOK);
    // Act: every step is retried right after it succeeded (a Lambda timeout after the work was done).
    const once = stepsOf(world, { config });
    const twice = Object.fromEntries(
      Object.entries(once).map(([task, step]) => [
        task,
        async (input: unknown) => {
          const first = await step(input);
          expect(await step(input), task).toEqual(first);
          return first;
        },
      ]),
    ) as typeof once;
    const next = await driveDay(twice, D2);
    // Assert
    expect(next.prepare.items).toContainEqual({ strategyId: 'kmlm-switcher', flow: 'per-book' });
    expect((await world.ledger.getRun(`${D2}.local`))?.flows['kmlm-switcher']).toBe('per-book');
    const flips = (await world.ledger.listTransferPlans({ from: D2, to: D2 })).data.filter(
      (p) => p.kind !== 'netting',
    );
    expect(flips.map((p) => [p.kind, p.strategyId, p.fromFlow, p.toFlow])).toEqual([
      ['flip', 'kmlm-switcher', 'aggregated', 'per-book'],
    ]);
    expect(Object.keys((await world.ledger.getFlowState()).poolShares)).toEqual(['gold-currency']);
    expect(poolBefore.positions.length).toBeGreaterThan(0);
    expect(next.branches.find((b) => b.strategyId === 'kmlm-switcher')?.outcome).toMatch(/TRADED|ALL_HOLD/);
    expect(next.finalize?.reconciliation).toEqual({ ok: true, differences: 0 });
    expect(next.finalize?.status).toBe('SUCCEEDED');
    // Retried executions adopted their orders: one broker order per ledger order, one fill each.
    const orders = await allPages((o) => world.ledger.listOrdersOfRun(`${D2}.local`, o));
    const fills = await allPages((o) => world.ledger.listFillsOfRun(`${D2}.local`, o));
    expect(fills.map((f) => f.clientOrderId).sort()).toEqual(
      orders
        .filter((o) => o.filledQty !== '0')
        .map((o) => o.clientOrderId)
        .sort(),
    );
    const strategyRuns = await allPages((o) => world.ledger.listStrategyRunsOfRun(`${D2}.local`, o));
    expect(strategyRuns).toHaveLength(world.config.strategies.length);
  });
});
