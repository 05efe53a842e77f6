/**
 * End to end through the real ASL interpreter: `ensemble run` executes the one state machine definition
 * in-process on the embedded database, the simulated broker and the bundled data. Each test gets its own
 * home folder (its own database and account).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, strategiesWith, tempDirs } from '../support/cli.ts';

interface Order {
  clientOrderId: string;
  symbol: string;
  side: string;
  status: string;
  filledQty: string;
}
interface DayJson {
  runId: string;
  tradingDay: string;
  status: string;
  strategies: {
    id: string;
    flow: string;
    outcome: string;
    error?: { name: string };
    orders: Order[];
    book?: { nav: string; cash: string; dayPnl: string | null };
  }[];
  pool: { members: string[]; orders: Order[] } | null;
  reconciliation: { ok: boolean; differences: unknown[] };
  execution: { name: string; status: string; skipped?: string };
}

const dirs = tempDirs('ensemble-e2e-');
const newHome = dirs.make;
afterAll(dirs.cleanup);

const run = async (args: string[]) => {
  const r = await runCli(['run', '--json', ...args]);
  const day = JSON.parse(r.out.at(-1) ?? 'null') as DayJson;
  return { code: r.code, day, err: r.err };
};

const allOrders = (d: DayJson) => [...d.strategies.flatMap((s) => s.orders), ...(d.pool?.orders ?? [])];
const fills = (d: DayJson) =>
  Object.fromEntries(
    allOrders(d).map((o) => [o.clientOrderId, `${o.side} ${o.symbol} ${o.filledQty} ${o.status}`]),
  );

describe('a local trading day (ensemble run)', () => {
  let clean: DayJson;

  it('trades the default set, per-book and aggregated in one run, and reconciles', async () => {
    const home = await newHome();
    const { code, day } = await run(['--home', home, '--date', '2025-11-28']);
    expect(code).toBe(0);
    clean = day;
    expect(day.runId).toBe('2025-11-28.local');
    expect(day.execution.status).toBe('SUCCEEDED');
    expect(day.reconciliation).toEqual({ ok: true, differences: [] });
    const perBook = day.strategies.filter((s) => s.flow === 'per-book');
    expect(perBook.length).toBeGreaterThan(0);
    for (const s of perBook) expect(['TRADED', 'ALL_HOLD']).toContain(s.outcome);
    expect(day.pool?.members.sort()).toEqual(['gold-currency', 'kmlm-switcher']);
    expect(day.pool?.orders.length).toBeGreaterThan(0);
    const ids = allOrders(day).map((o) => o.clientOrderId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of allOrders(day)) expect(o.status).toBe('FILLED');
  });

  it('trades a day once: a second start of the same day is skipped and places nothing', async () => {
    const home = await newHome();
    const first = await run(['--home', home, '--date', '2025-11-28']);
    expect(first.code).toBe(0);
    const second = await run(['--home', home, '--date', '2025-11-28']);
    expect(second.code).toBe(0);
    expect(second.day.execution.skipped).toMatch(/already/);
    expect(fills(second.day)).toEqual(fills(first.day));
  });

  it('skips a market holiday', async () => {
    const home = await newHome();
    const { code, day } = await run(['--home', home, '--date', '2025-11-27']);
    expect(code).toBe(0);
    expect(day.execution.status).toBe('SUCCEEDED');
    expect(day.execution.skipped).toBeDefined();
    expect(allOrders(day)).toEqual([]);
  });

  it('a crash in Execute fails that branch alone; the redrive completes it with the books of a clean run', async () => {
    const home = await newHome();
    const crashed = await run([
      '--home',
      home,
      '--date',
      '2025-11-28',
      '--fault',
      'execute:tqqq-ftlt-2:after-submit',
    ]);
    expect(crashed.code).toBe(1);
    const failed = crashed.day.strategies.find((s) => s.id === 'tqqq-ftlt-2');
    expect(failed?.outcome).toBe('FAILED');
    for (const s of crashed.day.strategies.filter((x) => x.id !== 'tqqq-ftlt-2' && x.flow === 'per-book'))
      expect(['TRADED', 'ALL_HOLD']).toContain(s.outcome);

    const r = await runCli(['redrive', crashed.day.runId, '--home', home, '--json']);
    const redriven = JSON.parse(r.out.at(-1)!) as DayJson;
    expect(r.code).toBe(0);
    expect(redriven.strategies.find((s) => s.id === 'tqqq-ftlt-2')?.outcome).toBe('TRADED');
    expect(redriven.reconciliation.ok).toBe(true);
    // Same orders, same fills as the uninterrupted day: nothing placed twice, nothing lost.
    expect(fills(redriven)).toEqual(fills(clean));
    // Same day-end books (the NAV records the report reads: the first Finalize's, recorded before the
    // branch's orders were booked, was restated by the redrive's Finalize).
    const books = (d: DayJson) => Object.fromEntries(d.strategies.map((x) => [x.id, x.book]));
    expect(books(redriven)).toEqual(books(clean));
    expect(books(crashed.day)['tqqq-ftlt-2']).not.toEqual(books(clean)['tqqq-ftlt-2']);
  });

  it('a strategy that cannot be evaluated FAILS alone, in both runs; the others trade once; the execution fails', async () => {
    const home = await newHome();
    // Parses, but an `if` without else whose condition is false has no allocation: EvaluationError.
    const config = await strategiesWith(await newHome(), {
      'gold.clj': '(defsymphony "broken" {} (if (> (rsi "GLD" {:window 10}) 1000) [(asset "GLD")]))\n',
    });
    const { code, day } = await run(['--home', home, '--date', '2025-11-28', '--config', config]);
    expect(code).toBe(1);
    expect(day.execution.status).toBe('FAILED');
    const broken = day.strategies.find((s) => s.id === 'gold');
    expect(broken).toMatchObject({ outcome: 'FAILED', error: { name: 'EvaluationError' }, orders: [] });
    const others = day.strategies.filter((s) => s.id !== 'gold' && s.flow === 'per-book');
    for (const s of others) expect(['TRADED', 'ALL_HOLD']).toContain(s.outcome);
    // The others' orders are exactly those of the clean day; gold ordered nothing in either run.
    const ofGold = (id: string) => id.includes('_s-gold_');
    expect(allOrders(day).filter((o) => ofGold(o.clientOrderId))).toEqual([]);
    expect(fills(day)).toEqual(
      Object.fromEntries(Object.entries(fills(clean)).filter(([id]) => !ofGold(id))),
    );
    expect(day.reconciliation.ok).toBe(true);
  });

  it('a strategy on data it cannot have is BLOCKED alone; the others trade', async () => {
    const home = await newHome();
    // Parses, but trades a ticker the market data does not have: fail closed for this strategy only.
    const config = await strategiesWith(await newHome(), {
      'tqqq_ftlt.clj': '(defsymphony "broken" {:asset-class "EQUITIES"} (weight-equal [(asset "ZZZZQ")]))\n',
    });
    const { code, day } = await run(['--home', home, '--date', '2025-11-28', '--config', config]);
    expect(code).toBe(1);
    const broken = day.strategies.find((s) => s.id === 'tqqq-ftlt');
    expect(broken?.outcome).toBe('BLOCKED');
    expect(broken?.orders).toEqual([]);
    const others = day.strategies.filter((s) => s.id !== 'tqqq-ftlt' && s.flow === 'per-book');
    for (const s of others) expect(['TRADED', 'ALL_HOLD']).toContain(s.outcome);
    expect(day.reconciliation.ok).toBe(true);
  });
});
