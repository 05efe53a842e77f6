import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '@ensemble/config';
import type { MarketData } from '@ensemble/core';
import { SimulatedCrash } from '@ensemble/core';
import { allPages } from '@ensemble/ledger';
import { createBundledMarketData } from '@ensemble/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DayResult,
  DEFAULT_CONFIG,
  driveDay,
  startWorld,
  stepsOf,
  type World,
} from '../testing/world.ts';

const D = '2025-12-01';

/** Bundled data in which `symbol`'s last bar is the session before D (a stale feed). */
const staleFor = (symbol: string): MarketData => {
  const bundled = createBundledMarketData();
  return {
    async loadBars(query) {
      const bars = await bundled.loadBars(query);
      const s = bars.get(symbol);
      if (s) {
        const keep = s.dates.filter((d) => d < D).length;
        bars.set(symbol, { symbol, dates: s.dates.slice(0, keep), closes: s.closes.slice(0, keep) });
      }
      return bars;
    },
  };
};

describe('one strategy failing or blocked never stops the others', () => {
  let world: World;
  let dir: string;
  let day: DayResult;

  beforeAll(async () => {
    // Arrange: the default config with `gold` replaced by a strategy that parses but cannot be evaluated
    // (an `if` without else whose condition is false), and SOXS (read only by soxl-growth) stale.
    dir = await mkdtemp(join(tmpdir(), 'ensemble-config-'));
    await cp(dirname(DEFAULT_CONFIG), dir, { recursive: true });
    await writeFile(
      join(dir, 'gold.clj'),
      '(defsymphony "broken" {} (if (> (rsi "GLD" {:window 10}) 1000) [(asset "GLD")]))',
    );
    const config = await loadConfig(join(dir, 'ensemble.config.yaml'));
    world = await startWorld({ config, marketData: staleFor('SOXS') });
    world.setDay(D);
    day = await driveDay(stepsOf(world), D);
  });
  afterAll(async () => {
    await world?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the broken strategy FAILED and the stale one BLOCKED; the others trade', async () => {
    const outcome = Object.fromEntries(day.branches.map((b) => [b.strategyId, b.outcome]));
    expect(outcome.gold).toBe('FAILED');
    expect(outcome['soxl-growth']).toBe('BLOCKED');
    for (const [id, o] of Object.entries(outcome)) {
      if (id !== 'gold' && id !== 'soxl-growth') expect(o, id).toMatch(/TRADED|SKIPPED/);
    }
    const runs = await allPages((o) => world.ledger.listStrategyRunsOfRun(`${D}.local`, o));
    const byId = Object.fromEntries(runs.map((r) => [r.strategyId, r]));
    expect(byId.gold?.error?.name).toBe('EvaluationError');
    expect(byId['soxl-growth']?.error).toMatchObject({ name: 'MissingDataError' });
    expect(byId['soxl-growth']?.error?.message).toMatch(/SOXS: stale: last bar 2025-11-28/);
    // Nothing was ordered for the failed and the blocked books.
    for (const id of ['gold', 'soxl-growth']) {
      expect((await world.ledger.listOrdersOfBook(`strategy#${id}`)).data, id).toEqual([]);
    }
    expect(day.pool).toMatchObject({ outcome: 'TRADED' });
    // gold (per-book, FAILED) gets a second run in the definition; soxl-growth (BLOCKED) does not.
    expect(day.finalize).toMatchObject({
      status: 'FAILED',
      reconciliation: { ok: true, differences: 0 },
      retryItems: [{ strategyId: 'gold', flow: 'per-book' }],
      retryBranches: 1,
      retryPool: false,
    });
    // Its second run fails again (the strategy still cannot be evaluated): the day's execution fails.
    expect(day.status).toBe('FAILED');
    expect(day.error?.Error).toBe('EvaluationError');
  });

  it('a day after the last bar blocks every strategy instead of trading on an older close', async () => {
    // Arrange: the bundled data end on 2025-12-01; 2025-12-02 is a session.
    const D2 = '2025-12-02';
    world.setDay(D2);
    // Act
    const next = await driveDay(stepsOf(world), D2);
    // Assert
    expect(next.prepare.action).toBe('TRADE');
    expect(new Set(next.branches.map((b) => b.outcome))).toEqual(new Set(['BLOCKED']));
    expect(next.calls.filter((c) => c.task === 'Execute' || c.task === 'PlanRebalance')).toEqual([]);
    expect(next.finalize).toMatchObject({
      status: 'BLOCKED',
      reconciliation: { ok: true },
      retryBranches: 0,
    });
  });

  it('a crash inside Execute, then the same call again, gives one broker order per client order id', async () => {
    // Arrange: a fresh world whose tqqq-ftlt-2 branch crashes once, right after the broker took an order.
    const w = await startWorld();
    try {
      w.setDay(D);
      let crashes = 0;
      const crashing = stepsOf(w, {
        fault: ({ step, strategyId, point }) => {
          if (
            step === 'execute' &&
            strategyId === 'tqqq-ftlt-2' &&
            point === 'after-submit' &&
            crashes === 0
          ) {
            crashes++;
            throw new SimulatedCrash('after-submit');
          }
        },
      });
      const prepared = (await crashing.PrepareRun({
        input: { tradingDay: D },
        execution: { id: 'e', name: 'e' },
      })) as { runId: string; snapshotRef: string };
      const input = {
        runId: prepared.runId,
        tradingDay: D,
        stage: 'local',
        snapshotRef: prepared.snapshotRef,
        strategyId: 'tqqq-ftlt-2',
        flow: 'per-book',
      };
      await crashing.Evaluate(input);
      await crashing.PlanRebalance(input);
      // Act
      await expect(crashing.Execute(input)).rejects.toMatchObject({ name: 'SimulatedCrash' });
      const out = (await crashing.Execute(input)) as { outcome: string; orders: number; filled: number };
      // Assert
      expect(crashes).toBe(1);
      expect(out.outcome).toBe('TRADED');
      expect(out.filled).toBe(out.orders);
      const orders = await allPages((o) => w.ledger.listOrdersOfRun(prepared.runId, o));
      for (const o of orders) {
        const atBroker = await w.broker.getOrderByClientId(o.clientOrderId);
        expect(atBroker?.id).toBe(o.brokerOrderId);
        expect(atBroker?.status).toBe('filled');
      }
      const plan = await w.ledger.getPlan(prepared.runId, 'strategy#tqqq-ftlt-2');
      expect(orders).toHaveLength(plan?.orders.length ?? -1);
    } finally {
      await w.close();
    }
  });
});
