import { bookOf, buildReport, D, type PerformanceReport, POOL_BOOK } from '@ensemble/core';
import { allPages } from '@ensemble/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveDay, startWorld, stepsOf, type World } from '../testing/world.ts';
import { reportKeys } from './daily-report.ts';
import { historyFromLedger } from './history-from-ledger.ts';
import { createMemoryNotifier } from './notifier.ts';
import { createMemoryReportStore } from './report-store.ts';

const DAYS = ['2025-11-24', '2025-11-25', '2025-11-26'];

describe('the daily report (Finalize) and the history read back from the ledger', () => {
  let world: World;
  const reports = createMemoryReportStore();
  const notifier = createMemoryNotifier();

  beforeAll(async () => {
    // Arrange: three sessions of the default config (per-book strategies and a pool), with a report store
    // and a notifier in the context.
    world = await startWorld();
    for (const day of DAYS) {
      world.setDay(day);
      const r = await driveDay(stepsOf(world, { ports: { reports, notifier } }), day);
      expect(r.finalize?.status, day).toBe('SUCCEEDED');
    }
  });
  afterAll(async () => world?.close());

  it('writes each day’s report, JSON and HTML, under reports/<day>/', () => {
    for (const [k, day] of DAYS.entries()) {
      const keys = reportKeys(day);
      const json = reports.objects.get(keys.json);
      const html = reports.objects.get(keys.html);
      expect(json?.contentType).toBe('application/json');
      expect(html?.contentType).toBe('text/html; charset=utf-8');
      const report: PerformanceReport = JSON.parse(json!.body);
      expect(report.to).toBe(day);
      expect(report.sessions).toBe(k + 1);
      expect(report.flow).toBe('recorded');
      expect(report.benchmark?.symbol).toBe('SPY');
      expect(html!.body).toMatch(/^<!doctype html>/);
    }
  });

  it('sends one summary per day: status, account, reconciliation, every strategy, the report’s location', () => {
    expect(notifier.sent.map((n) => n.subject)).toEqual(DAYS.map((d) => `Ensemble local ${d}: SUCCEEDED`));
    const last = notifier.sent.at(-1)!.text;
    expect(last).toContain('Reconciliation: OK');
    expect(last).toMatch(/Account NAV \$[\d,]+\.\d\d, day P&L [+−]\$/);
    for (const s of world.config.strategies) expect(last).toContain(s.id);
    expect(last).toContain(`Report: memory:${reportKeys(DAYS[2]!).html}`);
  });

  it('the history is the ledger’s: books are their NAV records, the account their sum, members share the pool', async () => {
    // Act
    const history = await historyFromLedger(world.ledger, {
      config: world.config,
      marketData: world.app().ports.marketData,
    });
    // Assert
    expect(history).not.toBeNull();
    const h = history!;
    expect([h.from, h.to]).toEqual([DAYS[0], DAYS[2]]);
    for (const s of h.strategies.filter((x) => x.flow === 'per-book')) {
      const navs = await allPages((o) => world.ledger.listNav(bookOf(s.id), o));
      expect(s.equity).toEqual(navs.map((n) => [n.day, n.nav]));
    }
    const pool = await allPages((o) => world.ledger.listNav(POOL_BOOK, o));
    expect(h.pool?.equity).toEqual(pool.map((n) => [n.day, n.nav]));
    // Members' attributed shares add up to the pool (to the cent per member).
    const members = h.strategies.filter((x) => x.flow === 'aggregated');
    expect(members.length).toBeGreaterThan(0);
    for (const [i, [day, nav]] of pool.map((n) => [n.day, n.nav] as const).entries()) {
      const shares = members.reduce((a, m) => a.plus(m.equity[i]![1]), new D(0));
      expect(
        shares
          .minus(nav)
          .abs()
          .lte(0.01 * members.length),
        day,
      ).toBe(true);
    }
    // The account is every book, summed.
    for (const [day, nav] of h.account.equity) {
      const books = await allPages((o) => world.ledger.listNavOfDay(day, o));
      expect(new D(nav).eq(books.reduce((a, b) => a.plus(b.nav), new D(0))), day).toBe(true);
    }
    // The report of the history is the one Finalize wrote on the last day.
    const report = buildReport(h);
    const written: PerformanceReport = JSON.parse(reports.objects.get(reportKeys(DAYS[2]!).json)!.body);
    expect(written.account).toEqual(report.account);
    // With market data, each book's holdings at every close: their values and the cash make its NAV.
    const navs = await allPages((o) => world.ledger.listNav(POOL_BOOK, o));
    for (const [i, [day, values]] of h.pool!.holdings.entries()) {
      const invested = Object.values(values).reduce((a, v) => a.plus(v), new D(0));
      expect(invested.minus(navs[i]!.positionsValue).abs().lte(0.05), day).toBe(true);
    }
    expect(report.account.metrics.orders).toBeGreaterThan(0);
  });

  it('a report that cannot be written is logged and counted; the run’s status stands', async () => {
    // Arrange: a store that refuses every write
    const counted: string[] = [];
    const broken = {
      put: async () => {
        throw new Error('bucket refused');
      },
    };
    const day = '2025-11-28';
    world.setDay(day);
    // Act
    const r = await driveDay(
      stepsOf(world, {
        ports: { reports: broken, notifier },
        metrics: { addMetric: (name) => counted.push(name) },
      }),
      day,
    );
    // Assert
    expect(r.finalize?.status).toBe('SUCCEEDED');
    expect(counted).toContain('DailyReportFailed');
    expect(world.logs.some((l) => l.level === 'error' && l.message === 'daily report not published')).toBe(
      true,
    );
  });
});
