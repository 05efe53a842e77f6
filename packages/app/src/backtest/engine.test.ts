/**
 * The backtest engine on the bundled data and the SimBroker: sessions where range mode gives a strategy no
 * weights run its Evaluate on the day's snapshot and fail or block as live; the history's units add up; the
 * bars are served by date.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  closePricesFrom,
  createMemorySimBrokerStore,
  createSimBroker,
  fillCostOptions,
} from '@ensemble/broker';
import { type LoadedConfig, loadConfig } from '@ensemble/config';
import { type BarSeries, D, nonZero } from '@ensemble/core';
import { allPages } from '@ensemble/ledger';
import { createBundledMarketData } from '@ensemble/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../testing/world.ts';
import { type BacktestOptions, fillsText, RANGE_TRACE, runBacktest } from './engine.ts';
import { createSessionMarketData } from './market-data.ts';

const broker: BacktestOptions['broker'] = ({ clock, marketData, startingCash, fillCosts }) =>
  createSimBroker({
    store: createMemorySimBrokerStore(),
    prices: closePricesFrom(marketData),
    clock,
    startingCash,
    ...fillCostOptions(fillCosts),
  });

const barsOf = async (config: LoadedConfig) =>
  createBundledMarketData().loadBars({
    symbols: [...new Set([...config.strategies.flatMap((s) => s.requirements.symbols), 'SPY'])],
  });

describe('runBacktest', () => {
  let dir: string;
  let config: LoadedConfig;
  let bars: Map<string, BarSeries>;

  beforeAll(async () => {
    // Arrange: the default config with `gold` replaced by a strategy that parses but cannot be evaluated.
    dir = await mkdtemp(join(tmpdir(), 'ensemble-backtest-'));
    await cp(dirname(DEFAULT_CONFIG), dir, { recursive: true });
    await writeFile(
      join(dir, 'gold.clj'),
      '(defsymphony "broken" {} (if (> (rsi "GLD" {:window 10}) 1000) [(asset "GLD")]))',
    );
    config = await loadConfig(join(dir, 'ensemble.config.yaml'));
    bars = await barsOf(config);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('lets a strategy range mode cannot evaluate fail in its Evaluate, as live, and trades the others', async () => {
    // Act
    const r = await runBacktest({ config, bars, from: '2025-11-24', to: '2025-11-26', broker });
    // Assert: gold FAILED on every session (its second run too: the execution fails), the others traded.
    expect(r.sessions.map((s) => [s.day, s.status, s.outcomes.gold])).toEqual([
      ['2025-11-24', 'FAILED', 'FAILED'],
      ['2025-11-25', 'FAILED', 'FAILED'],
      ['2025-11-26', 'FAILED', 'FAILED'],
    ]);
    const runs = await allPages((o) => r.ledger.listStrategyRunsOfRun('2025-11-24.backtest', o));
    expect(runs.find((s) => s.strategyId === 'gold')?.error?.name).toBe('EvaluationError');
    for (const s of runs.filter((x) => x.strategyId !== 'gold'))
      expect(s.outcome).toMatch(/TRADED|ALL_HOLD|SKIPPED/);
    // Every other strategy's signal came from range mode; gold has none.
    const signals = await allPages((o) => r.ledger.listSignalsOfRun('2025-11-24.backtest', o));
    expect(signals.map((s) => s.strategyId)).not.toContain('gold');
    expect(signals.every((s) => s.traceRef === RANGE_TRACE)).toBe(true);
    // gold's book was funded and never traded: its NAV is its cash.
    const gold = r.history.strategies.find((s) => s.id === 'gold')!;
    expect(new Set(gold.equity.map(([, v]) => v))).toEqual(new Set([gold.equity[0]![1]]));
  });

  it('blocks a strategy reading a symbol without a bar on the session, as live', async () => {
    // Arrange: SOXS (read only by soxl-growth) has no bar on 2025-11-26.
    const stale = new Map(bars);
    const soxs = bars.get('SOXS')!;
    const keep = soxs.dates.map((d, i) => [d, i] as const).filter(([d]) => d !== '2025-11-26');
    stale.set('SOXS', {
      symbol: 'SOXS',
      dates: keep.map(([d]) => d),
      closes: Float64Array.from(keep.map(([, i]) => soxs.closes[i]!)),
    });
    const defaults = await loadConfig(DEFAULT_CONFIG);
    // Act
    const r = await runBacktest({
      config: defaults,
      bars: stale,
      from: '2025-11-25',
      to: '2025-11-26',
      broker,
    });
    // Assert
    expect(r.sessions.map((s) => s.outcomes['soxl-growth'])).toEqual([
      expect.stringMatching(/TRADED|ALL_HOLD/),
      'BLOCKED',
    ]);
    const runs = await allPages((o) => r.ledger.listStrategyRunsOfRun('2025-11-26.backtest', o));
    expect(runs.find((s) => s.strategyId === 'soxl-growth')?.error).toMatchObject({
      name: 'MissingDataError',
      message: expect.stringMatching(/SOXS: stale: last bar 2025-11-25/),
    });
  });

  it('leaves shadow mode out: no paper book, mode: shadow strategies not traded, and says so', async () => {
    // Arrange: holy-grail paper only, tqqq-ftlt live with a paper book in the pool.
    const defaults = await loadConfig(DEFAULT_CONFIG);
    const shadowed: LoadedConfig = {
      ...defaults,
      strategies: defaults.strategies.map((s) =>
        s.id === 'holy-grail'
          ? { ...s, mode: 'shadow' }
          : s.id === 'tqqq-ftlt'
            ? { ...s, shadow: 'aggregated' }
            : s,
      ),
    };
    // Act
    const r = await runBacktest({
      config: shadowed,
      bars: await barsOf(defaults),
      from: '2025-11-25',
      to: '2025-11-26',
      broker,
    });
    // Assert
    expect(r.shadowsLeftOut).toEqual([
      { id: 'tqqq-ftlt', mode: 'live' },
      { id: 'holy-grail', mode: 'shadow' },
    ]);
    expect(r.history.strategies.map((s) => s.id)).not.toContain('holy-grail');
    expect(r.history.strategies.map((s) => s.id)).toContain('tqqq-ftlt');
    expect(r.sessions.every((s) => s.status === 'SUCCEEDED' && !('holy-grail' in s.outcomes))).toBe(true);
    const runs = await allPages((o) => r.ledger.listRuns(o));
    expect(runs).toHaveLength(2);
  });

  it("adds the books up to the account, and gives pool members the pool's return", async () => {
    // Act
    const defaults = await loadConfig(DEFAULT_CONFIG);
    const r = await runBacktest({
      config: defaults,
      bars: await barsOf(defaults),
      from: '2025-11-17',
      to: '2025-11-28',
      broker,
    });
    // Assert
    const { account, strategies, pool } = r.history;
    expect([...(pool?.members ?? [])].sort()).toEqual(['gold-currency', 'kmlm-switcher']);
    const books = [...strategies.filter((s) => s.flow === 'per-book'), pool!];
    for (const [i, [day, nav]] of account.equity.entries()) {
      const sum = books.reduce((a, b) => a.plus(b.equity[i]![1]), new D(0));
      expect([day, sum.toFixed()]).toEqual([day, new D(nav).toFixed()]);
    }
    // Members: fraction × pool NAV, to the cent; their day-over-day growth is the pool's (no flows: the
    // pool's return explains every change of their share, but for the rounding of each share to the cent).
    for (const m of strategies.filter((s) => s.flow === 'aggregated')) {
      for (const [day, flow] of nonZero(m.flows))
        expect([day, new D(flow).abs().lt('0.01')]).toEqual([day, true]);
      for (let k = 1; k < m.equity.length; k++) {
        const memberGrowth = new D(m.equity[k]![1]).div(m.equity[k - 1]![1]);
        const poolGrowth = new D(pool!.equity[k]![1]).div(pool!.equity[k - 1]![1]);
        expect(memberGrowth.minus(poolGrowth).abs().lt('0.00001')).toBe(true);
      }
    }
    // The account's flows are the deposits: every book's funding on the first day.
    const deposits = nonZero(account.flows);
    expect(deposits).toEqual([[account.equity[0]![0], expect.any(String)]]);
    expect(new D(deposits[0]![1]).toFixed()).toBe('100000');
    expect(r.history.benchmark?.closes).toHaveLength(account.equity.length);
    expect(r.history.fills).toBe(fillsText());
  });
});

describe('createSessionMarketData', () => {
  const series: BarSeries = {
    symbol: 'X',
    dates: ['2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07'],
    closes: Float64Array.from([1, 2, 3, 4]),
  };
  const data = createSessionMarketData(new Map([['X', series]]), {
    fullHistoryOn: (d) => d === '2025-01-07',
  });
  const load = async (q: { to?: string; from?: string }) => {
    const s = (await data.loadBars({ symbols: ['X', 'UNKNOWN'], ...q })).get('X');
    return s && [s.dates, [...s.closes]];
  };

  it('serves the last bar on or before the day, the whole history on a full day, never a later bar', async () => {
    expect(await load({ to: '2025-01-05' })).toEqual([['2025-01-03'], [2]]);
    expect(await load({ to: '2025-01-07' })).toEqual([series.dates, [1, 2, 3, 4]]);
    expect(await load({ from: '2025-01-03', to: '2025-01-06' })).toEqual([
      ['2025-01-03', '2025-01-06'],
      [2, 3],
    ]);
    expect(await load({ to: '2024-12-31' })).toEqual([[], []]);
    expect((await data.loadBars({ symbols: ['UNKNOWN'] })).size).toBe(0);
  });
});
