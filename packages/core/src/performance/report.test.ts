import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D } from '../decimal.ts';
import { buildReport, compareReports } from './report.ts';
import { dailyReturns } from './returns.ts';
import { attributedSeries, sumSeries } from './series.ts';
import type { PerformanceHistory, Series, StrategyHistory, UnitHistory } from './types.ts';

const DAYS = Array.from({ length: 30 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`);
const unit = (id: string, equity: Series, extra: Partial<UnitHistory> = {}): UnitHistory => ({
  id,
  equity,
  traded: [],
  orders: 0,
  fees: '0',
  holdings: [],
  ...extra,
});
const strategy = (
  id: string,
  equity: Series,
  flow: 'per-book' | 'aggregated' = 'per-book',
): StrategyHistory => ({
  ...unit(id, equity),
  flow,
  allocation: '0.5',
});

const historyOf = (
  strategies: StrategyHistory[],
  pool: UnitHistory | null,
  extra = {},
): PerformanceHistory => {
  const books = [...strategies.filter((s) => s.flow === 'per-book'), ...(pool ? [pool] : [])];
  const account = unit('account', sumSeries(books.map((b) => b.equity)));
  return {
    from: account.equity[0]?.[0] ?? DAYS[0]!,
    to: account.equity.at(-1)?.[0] ?? DAYS[0]!,
    flow: 'as-configured',
    startingCash: '1000',
    account,
    strategies,
    pool: pool
      ? { ...pool, members: strategies.filter((s) => s.flow === 'aggregated').map((s) => s.id) }
      : null,
    benchmark: null,
    fills: 'at the session close',
    ...extra,
  };
};

describe('buildReport', () => {
  it('the account equals the sum of the per-book books and the pool on every session (property)', () => {
    // Arrange: books with random starts and values (a book may start late), and a pool
    const book = fc.record({
      start: fc.integer({ min: 0, max: 20 }),
      values: fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 10 }),
    });
    fc.assert(
      fc.property(fc.array(book, { minLength: 1, maxLength: 5 }), book, (books, poolBook) => {
        const asSeries = (b: { start: number; values: number[] }): Series =>
          b.values.map((v, i) => [DAYS[b.start + i]!, new D(v).div(100).toFixed()] as const);
        const strategies = books.map((b, i) => strategy(`s${i}`, asSeries(b)));
        const pool = unit('pool', asSeries(poolBook));
        // Act
        const report = buildReport(historyOf(strategies, pool));
        // Assert
        for (const [day, nav] of report.account.equity) {
          const parts = [...report.strategies.map((s) => s.equity), report.pool!.equity].flatMap((e) =>
            e.filter(([d]) => d === day).map(([, v]) => v),
          );
          expect(new D(nav).eq(parts.reduce((a, v) => a.plus(v), new D(0))), day).toBe(true);
        }
        expect(report.sessions).toBe(report.account.equity.length);
        expect(JSON.parse(JSON.stringify(report))).toEqual(report);
      }),
      { numRuns: 200 },
    );
  });

  it('a single session: the report is defined, and JSON carries it unchanged', () => {
    // Arrange / Act
    const report = buildReport(
      historyOf([strategy('a', [[DAYS[0]!, '1000']])], null, {
        benchmark: { symbol: 'SPY', closes: [[DAYS[0]!, '500']] },
      }),
    );
    // Assert
    expect(report.sessions).toBe(1);
    expect(report.account.metrics.totalReturn).toBe(0);
    expect(report.account.metrics.sharpe).toBeNull();
    expect(report.benchmark?.equity).toEqual([[DAYS[0], '1000']]);
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
  });

  it('draws the benchmark as the account’s first NAV invested in it; beta for the account only', () => {
    // Arrange
    const equity: Series = [
      [DAYS[0]!, '1000'],
      [DAYS[1]!, '1200'],
      [DAYS[2]!, '1080'],
    ];
    const closes: Series = [
      [DAYS[0]!, '50'],
      [DAYS[1]!, '55'],
      [DAYS[2]!, '52.25'],
      [DAYS[3]!, '60'],
    ];
    // Act
    const report = buildReport(
      historyOf([strategy('a', equity)], null, { benchmark: { symbol: 'SPY', closes } }),
    );
    // Assert: only the account's sessions; 1000 × close/50
    expect(report.benchmark?.equity).toEqual([
      [DAYS[0], '1000'],
      [DAYS[1], '1100'],
      [DAYS[2], '1045'],
    ]);
    expect(report.account.metrics.beta).toBeCloseTo(2, 12);
    expect(report.strategies[0]?.metrics.beta).toBeNull();
    expect(report.benchmark?.metrics.beta).toBeNull();
  });

  it('lists a unit’s flows only when it had some', () => {
    // Arrange
    const a = { ...strategy('a', [[DAYS[0]!, '100']]), flows: [[DAYS[0]!, '0']] as Series };
    const b = { ...strategy('b', [[DAYS[0]!, '100']]), flows: [[DAYS[0]!, '100']] as Series };
    // Act
    const report = buildReport(historyOf([a, b], null));
    // Assert
    expect(report.strategies.map((s) => s.flows)).toEqual([undefined, [[DAYS[0], '100']]]);
  });
});

describe('attributedSeries', () => {
  it('a member earns exactly the pool’s return; a flip changing its fraction is a flow', () => {
    // Arrange: the pool grows 10 %, then takes in 500 (a member merging in: this one's fraction 0.5 → 0.34375)
    const pool = {
      equity: [
        [DAYS[0]!, '1000'],
        [DAYS[1]!, '1100'],
        [DAYS[2]!, '1600'],
      ] as Series,
      flows: [[DAYS[2]!, '500']] as Series,
    };
    // Act
    const member = attributedSeries(pool, [
      [DAYS[0]!, '0.5'],
      [DAYS[2]!, '0.34375'],
    ]);
    // Assert
    expect(member.equity.map(([, v]) => v)).toEqual(['500', '550', '550']);
    const poolR = dailyReturns(pool.equity, pool.flows).map((x) => x.r);
    const memberR = dailyReturns(member.equity, member.flows).map((x) => x.r);
    expect(memberR).toEqual(poolR.map((r) => expect.closeTo(r, 8)));
  });

  it('has no point before the member’s first fraction', () => {
    const pool = { equity: DAYS.slice(0, 3).map((d) => [d, '100'] as const) };
    expect(attributedSeries(pool, [[DAYS[1]!, '1']]).equity.map(([d]) => d)).toEqual(DAYS.slice(1, 3));
  });
});

describe('compareReports', () => {
  it('per strategy, the tracking difference between its own book and its attributed share', () => {
    // Arrange
    const own: Series = [
      [DAYS[0]!, '100'],
      [DAYS[1]!, '110'],
    ];
    const share: Series = [
      [DAYS[0]!, '100'],
      [DAYS[1]!, '105'],
    ];
    const perBook = buildReport(historyOf([strategy('a', own)], null));
    const aggregated = buildReport(historyOf([strategy('a', share, 'aggregated')], unit('pool', share)));
    // Act
    const c = compareReports(perBook, aggregated);
    // Assert
    expect(c.strategies).toEqual([
      {
        id: 'a',
        totalReturn: {
          perBook: expect.closeTo(0.1, 12),
          aggregated: expect.closeTo(0.05, 12),
          difference: expect.closeTo(0.05, 12),
        },
      },
    ]);
    expect(c.account.orders).toEqual({ perBook: 0, aggregated: 0, difference: 0 });
  });
});
