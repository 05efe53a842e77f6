import { loadConfigText } from '@ensemble/config';
import type { Nav, PoolAttribution, Signal, StrategyRun } from '@ensemble/ledger';
import { describe, expect, it } from 'vitest';
import { type ComparisonLedger, shadowComparison } from './comparison.ts';

const [D0, D1, D2] = ['2025-11-20', '2025-11-21', '2025-11-24'];
const run = (day: string) => `${day}.local`;

/** A ledger scope as plain lists (only what the comparison reads). */
const scope = (data: {
  runs?: Partial<StrategyRun>[];
  navs?: Partial<Nav>[];
  attributions?: Partial<PoolAttribution>[];
  signals?: Partial<Signal>[];
}): ComparisonLedger => {
  const page = <T>(data: T[]) => Promise.resolve({ data, cursor: null });
  const inRange = (day: string | undefined, o?: { from?: string; to?: string }) =>
    day !== undefined && (o?.from === undefined || day >= o.from) && (o?.to === undefined || day <= o.to);
  return {
    listStrategyRunsOfStrategy: (id, o) =>
      page((data.runs ?? []).filter((r) => r.strategyId === id && inRange(r.tradingDay, o)) as StrategyRun[]),
    listNav: (bookId, o) =>
      page((data.navs ?? []).filter((n) => n.bookId === bookId && inRange(n.day, o)) as Nav[]),
    listPoolAttributionsOfStrategy: (id, o) =>
      page(
        (data.attributions ?? []).filter(
          (a) => a.strategyId === id && inRange(a.tradingDay, o),
        ) as PoolAttribution[],
      ),
    getSignal: async (runId, id) =>
      ((data.signals ?? []).find((s) => s.runId === runId && s.strategyId === id) as Signal | undefined) ??
      null,
    listOrdersOfBook: () => page([]),
  };
};

const nav = (bookId: string, day: string, value: string, flowsIn = '0') => ({
  bookId: bookId as Nav['bookId'],
  day,
  nav: value,
  flowsIn,
  flowsOut: '0',
});

const config = () =>
  loadConfigText(
    `account:\n  startingCash: "100000"\n  capitalPolicy: fixed\nstrategies:\n` +
      `  - id: k\n    file: a.clj\n    allocation: 0.5\n    flow: aggregated\n    shadow: per-book\n` +
      `  - id: t\n    file: a.clj\n    allocation: 0.2\n    flow: per-book\n    mode: shadow\n`,
    '/cfg/ensemble.config.yaml',
    { readFile: async () => '(defsymphony "A" {} (weight-equal [(asset "SPY")]))' },
  );

describe('shadowComparison', () => {
  it('compares a pooled strategy with its paper per-book book: NAVs, P&L, weights, compounded tracking', async () => {
    // Arrange: paper book funded with 1000 on D1 (no return), +10 % on D2; the production pool +2 % on D1,
    // flat on D2, k's share 10 %. t (paper only) crashed on D2: no paper record, the Map said why.
    const production = scope({
      runs: [D1, D2].map((d) => ({
        strategyId: 'k',
        tradingDay: d,
        runId: run(d),
        flow: 'aggregated',
        outcome: 'TRADED' as const,
      })),
      navs: [nav('pool', D0, '10000', '10000'), nav('pool', D1, '10200'), nav('pool', D2, '10200')],
      attributions: [D1, D2].map((d) => ({ strategyId: 'k', tradingDay: d, runId: run(d), fraction: '0.1' })),
      signals: [{ runId: run(D2), strategyId: 'k', weights: { SPY: '0.5', BIL: '0.5' } }],
    });
    const paper = scope({
      runs: [D1, D2].map((d) => ({
        strategyId: 'k',
        tradingDay: d,
        runId: run(d),
        flow: 'per-book',
        outcome: 'TRADED' as const,
      })),
      navs: [
        nav('strategy#k', D1, '1000', '1000'),
        nav('strategy#k', D2, '1100'),
        nav('strategy#t', D1, '500', '500'),
      ],
      signals: [{ runId: run(D2), strategyId: 'k', weights: { SPY: '1' } }],
    });
    // Act
    const [k, t] = await shadowComparison({
      ledger: production,
      shadowLedger: paper,
      config: await config(),
      runId: run(D2),
      tradingDay: D2,
      results: [
        {
          bookId: 'strategy#t',
          outcome: 'FAILED',
          error: { Error: 'SimulatedCrash', Cause: 'at after-submit' },
        },
      ],
    });
    // Assert
    expect(k).toMatchObject({
      strategyId: 'k',
      mode: 'live',
      days: 2,
      weightsDifference: '0.5',
      // Paper: (1 + 0)(1 + 0.1) − 1 = 10 %; production: (1 + 0.02)(1 + 0) − 1 = 2 %.
      trackingDifferencePct: '8',
      production: {
        flow: 'aggregated',
        outcome: 'TRADED',
        nav: '1020.00',
        dayPnl: '0.00',
        cumulativeReturnPct: '2',
      },
      shadow: {
        flow: 'per-book',
        outcome: 'TRADED',
        nav: '1100.00',
        dayPnl: '100.00',
        cumulativeReturnPct: '10',
      },
    });
    expect(t).toMatchObject({
      strategyId: 't',
      mode: 'shadow',
      production: null,
      trackingDifferencePct: null,
      weightsDifference: null,
      shadow: {
        flow: 'per-book',
        outcome: 'FAILED',
        error: { name: 'SimulatedCrash', message: 'at after-submit' },
        nav: null,
      },
    });
  });
});
