/**
 * The run report's capital side on a world of real components (dynalite, the SimBroker, the bundled data):
 * corporate actions shown with what each book got, and the account's day P&L the sum of the books shown.
 */
import { driveDay, startWorld, stepsOf, type World } from '@ensemble/app/testing';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, formatReport, type RunReport } from './report.ts';

const SPLIT = { kind: 'split', symbol: 'TQQQ', exDate: '2025-11-25', newRate: '2', oldRate: '1' } as const;
const DIVIDEND = { kind: 'dividend', symbol: 'TQQQ', exDate: '2025-11-26', rate: '0.37' } as const;
const OK = { ok: true, differences: [] };

describe('the run report: corporate actions, account and books', () => {
  let world: World;
  const reports: RunReport[] = [];

  beforeAll(async () => {
    world = await startWorld({ corporateActions: [SPLIT, DIVIDEND] });
    for (const day of ['2025-11-24', '2025-11-25', '2025-11-26']) {
      world.setDay(day);
      const r = await driveDay(stepsOf(world), day);
      reports.push(await buildReport(world.ledger, r.prepare.runId, OK, { config: world.config }));
    }
  }, 120_000);
  afterAll(async () => world?.close());

  it('shows the split and the dividend of the day, book by book', () => {
    const [, d25, d26] = reports;
    expect(d25?.corporateActions).toEqual([
      expect.objectContaining({
        id: 'split:TQQQ:2025-11-25',
        kind: 'split',
        terms: '2:1',
        source: 'announcement',
      }),
    ]);
    expect(d25?.corporateActions[0]?.books.every((b) => new Decimal(b.qty ?? '0').gt(0))).toBe(true);
    expect(d26?.corporateActions).toEqual([
      expect.objectContaining({ id: 'dividend:TQQQ:2025-11-26', kind: 'dividend', terms: '0.37' }),
    ]);
    expect(formatReport(d26!).join('\n')).toMatch(
      /Corporate action: dividend \$0\.37\/share of TQQQ, ex-date 2025-11-26: /,
    );
  });

  it('adds up: the books shown sum to the account, whose first day P&L is against its funding', () => {
    for (const r of reports) {
      const shown = [
        ...r.strategies.flatMap((s) => (s.book ? [s.book] : [])),
        ...(r.pool?.book ? [r.pool.book] : []),
      ];
      const sum = (f: (b: { nav: string; dayPnl: string }) => string) =>
        shown.reduce((a, b) => a.plus(f(b)), new Decimal(0)).toFixed(2);
      expect({ day: r.tradingDay, nav: sum((b) => b.nav), dayPnl: sum((b) => b.dayPnl) }).toEqual({
        day: r.tradingDay,
        ...r.account,
      });
    }
    // Day 1: the books' NAVs against the 100 000 they were funded with.
    const [d24, d25] = reports;
    expect(d24!.account.dayPnl).toBe(new Decimal(d24!.account.nav).minus(100_000).toFixed(2));
    // Later days: the change of the account's NAV (the dividend is P&L; the split is not a flow).
    expect(d25!.account.dayPnl).toBe(new Decimal(d25!.account.nav).minus(d24!.account.nav).toFixed(2));
    expect(reports[2]!.account.dayPnl).toBe(
      new Decimal(reports[2]!.account.nav).minus(d25!.account.nav).toFixed(2),
    );
  });

  it('shows the capital policy, band and each book against its target', () => {
    const c = reports[1]!.capital!;
    expect(c).toMatchObject({ policy: 'fixed', band: '0.1', frequency: 'weekly', transfers: [] });
    expect(c.books.map((b) => b.id)).toContain('pool');
    expect(c.books.find((b) => b.id === 'tqqq-ftlt')?.target).toBe('0.11');
    const shares = c.books.reduce((a, b) => a.plus(b.share), new Decimal(0));
    expect(shares.minus(1).abs().lt('0.0001')).toBe(true);
    expect(reports[0]!.capital!.transfers.filter((t) => t.from === 'unallocated')).toHaveLength(9);
  });
});
