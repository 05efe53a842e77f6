/**
 * End to end: `ensemble run --days N` runs N consecutive sessions of the market calendar through the real
 * interpreter, in one home, and the books carry over from one day to the next — which is how a user watches
 * books evolve. Each test gets its own home folder (its own database and simulated account).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { D, isTradingDay, type PerformanceReport, previousSession } from '@ensemble/core';
import { allPages, type BookId, createLedger } from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { readBundledManifest } from '@ensemble/market-data';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDirs } from '../support/cli.ts';

interface Order {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  status: string;
  filledQty: string;
  filledNotional: string;
}
interface Book {
  bookId: string;
  nav: string;
  cash: string;
  dayPnl: string;
}
interface DayJson {
  runId: string;
  tradingDay: string;
  status: string;
  strategies: { id: string; flow: string; outcome: string; orders: Order[]; book: Book | null }[];
  pool: { members: string[]; orders: Order[]; book: Book | null } | null;
  account: { nav: string; dayPnl: string };
  capital: { transfers: { from: string; to: string; amount: string }[] };
  /** Shares crossed between books (netting at the account): the buyer paid `amount` to the seller. */
  netting: { symbol: string; from: string; to: string; qty: string; amount: string }[];
  reconciliation: { ok: boolean; differences: unknown[] };
  elapsedMs?: number;
  execution: { name: string; status: string; skipped?: string; transitions?: unknown };
}

/** The ledger's table in a local home (`LOCAL_TABLE` in packages/cli/src/local/world.ts). */
const LOCAL_TABLE = 'ensemble';
// A local day takes ~2–5 s; allow for a loaded machine.
const PER_DAY_MS = 20_000;

const dirs = tempDirs('ensemble-days-');
const newHome = dirs.make;
afterAll(dirs.cleanup);

/** `ensemble run --json …`: one JSON object per line, one line per day. */
const run = async (args: string[]) => {
  const r = await runCli(['run', '--json', ...args]);
  return { code: r.code, days: r.out.map((l) => JSON.parse(l) as DayJson), err: r.err };
};

/** Every book of a day with the orders placed for it: the per-book strategies' books and the pool. */
const booksOf = (d: DayJson): { book: Book; orders: Order[] }[] => [
  ...d.strategies.flatMap((s) => (s.book ? [{ book: s.book, orders: s.orders }] : [])),
  ...(d.pool?.book ? [{ book: d.pool.book, orders: d.pool.orders }] : []),
];

/**
 * A day's trading without timings: what must be identical however the days were started. The transition
 * count is left out too: it varies from run to run with the interleaving of the Map's branches (a branch
 * that finds a symbol leased by another retries).
 */
const tradingOf = (d: DayJson) => {
  const { elapsedMs: _elapsed, execution, ...rest } = d;
  const { transitions: _transitions, ...exec } = execution;
  return { ...rest, execution: exec };
};

/** Open the ledger of a home after the CLI has exited (the embedded database on `<home>/db`). */
async function withLedger<T>(home: string, f: (ledger: ReturnType<typeof createLedger>) => Promise<T>) {
  const db = await startEmbeddedDynamo({ path: join(home, 'db') });
  const client = createLocalDynamoClient(db.endpoint);
  try {
    return await f(createLedger({ table: LOCAL_TABLE, client }));
  } finally {
    client.destroy();
    await db.stop();
  }
}

describe('ensemble run --days N', () => {
  it(
    'runs N sessions of the calendar in order, skipping the holiday, and the books carry over',
    async () => {
      // Thanksgiving: the NYSE is closed, so the 4 sessions from Monday 24 are 24, 25, 26 and Friday 28.
      expect(isTradingDay('2025-11-27')).toBe(false);
      const home = await newHome();
      const { code, days, err } = await run(['--home', home, '--date', '2025-11-24', '--days', '4']);
      expect(code, err.join('\n')).toBe(0);
      const sessions = ['2025-11-24', '2025-11-25', '2025-11-26', '2025-11-28'];
      expect(days.map((d) => d.tradingDay)).toEqual(sessions);
      expect(days.map((d) => d.runId)).toEqual(sessions.map((s) => `${s}.local`));
      expect(new Set(days.map((d) => d.runId)).size).toBe(4);
      for (const d of days) {
        expect(d.execution.status).toBe('SUCCEEDED');
        expect(d.execution.skipped).toBeUndefined();
        expect(d.status).toBe('SUCCEEDED');
        expect(d.reconciliation).toEqual({ ok: true, differences: [] });
        for (const s of d.strategies) expect(['TRADED', 'ALL_HOLD']).toContain(s.outcome);
        for (const b of booksOf(d)) for (const o of b.orders) expect(o.status).toBe('FILLED');
      }
      // Client order ids are unique across the days: no day re-places another day's orders.
      const ids = days.flatMap((d) => booksOf(d).flatMap((b) => b.orders.map((o) => o.clientOrderId)));
      expect(new Set(ids).size).toBe(ids.length);

      // Cash carries over exactly: a book's cash at the close of day k is its cash at the close of day k−1
      // plus what it sold minus what it bought on day k, at the broker or crossed with another book (the
      // local SimBroker charges no fees, and nothing moves capital between books here). Had a book been
      // re-funded or re-bought from cash, this breaks. It also means a day's buys are paid for only by the
      // cash carried over and the day's sells.
      for (let k = 1; k < days.length; k++) {
        const before = new Map(booksOf(days[k - 1]!).map((b) => [b.book.bookId, b.book]));
        expect(
          booksOf(days[k]!)
            .map((b) => b.book.bookId)
            .sort(),
        ).toEqual([...before.keys()].sort());
        for (const { book, orders } of booksOf(days[k]!)) {
          let cash = new Decimal(before.get(book.bookId)!.cash);
          for (const o of orders)
            cash = o.side === 'buy' ? cash.minus(o.filledNotional) : cash.plus(o.filledNotional);
          for (const c of days[k]!.netting) {
            if (c.from === book.bookId) cash = cash.plus(c.amount);
            if (c.to === book.bookId) cash = cash.minus(c.amount);
          }
          expect({ book: book.bookId, cash: cash.toString() }).toEqual({
            book: book.bookId,
            cash: new Decimal(book.cash).toString(),
          });
          // The day's P&L is measured against the previous day's NAV (none on the first day).
          expect(book.dayPnl).toBe(new Decimal(book.nav).minus(before.get(book.bookId)!.nav).toFixed(2));
        }
      }
      // On the first day it is measured against the book's funding (the day's transfers from unallocated).
      const funding = (bookId: string) =>
        days[0]!.capital.transfers.find((t) => t.from === 'unallocated' && t.to === bookId)!.amount;
      for (const { book } of booksOf(days[0]!)) {
        expect(book.dayPnl).toBe(new Decimal(book.nav).minus(funding(book.bookId)).toFixed(2));
      }

      // Shares carry over: replay the fills day by day from empty books (and the day's crosses between
      // books, before its orders). Every sell is of shares the book carried in from earlier days (a sell on
      // day 2 of what was bought on day 1 — never of shares it does not hold), and the ledger's positions
      // after the last day are the sum of all four days' fills and crosses.
      const held = new Map<string, Map<string, Decimal>>();
      const holdings = (bookId: string) => held.get(bookId) ?? held.set(bookId, new Map()).get(bookId)!;
      let carriedSells = 0;
      for (const d of days) {
        for (const c of d.netting) {
          const from = holdings(c.from);
          const to = holdings(c.to);
          from.set(c.symbol, (from.get(c.symbol) ?? new Decimal(0)).minus(c.qty));
          to.set(c.symbol, (to.get(c.symbol) ?? new Decimal(0)).plus(c.qty));
        }
        for (const { book, orders } of booksOf(d)) {
          const pos = held.get(book.bookId) ?? new Map<string, Decimal>();
          held.set(book.bookId, pos);
          const start = new Map(pos);
          for (const o of orders) {
            const q = pos.get(o.symbol) ?? new Decimal(0);
            if (o.side === 'sell') {
              expect(new Decimal(o.filledQty).lte(start.get(o.symbol) ?? 0)).toBe(true);
              carriedSells++;
            }
            pos.set(o.symbol, o.side === 'buy' ? q.plus(o.filledQty) : q.minus(o.filledQty));
          }
        }
      }
      // The real data rotates several books (e.g. rains-concise-em sells all its EVN on the 25th).
      expect(carriedSells).toBeGreaterThan(5);

      // A strategy whose holdings did not need to change places nothing the next day: its book is held,
      // not sold and re-bought from cash. On the 25th gold and holy-grail hold what they bought on the 24th.
      const day2 = days[1]!;
      const held2 = day2.strategies.filter((s) => s.outcome === 'ALL_HOLD');
      expect(held2.map((s) => s.id)).toEqual(expect.arrayContaining(['gold', 'holy-grail']));
      for (const s of held2) expect(s.orders).toEqual([]);
      // tqqq-ftlt keeps TQQQ: on the 25th it only tops up with the little cash left from the 24th.
      const ftlt = (d: DayJson) => d.strategies.find((s) => s.id === 'tqqq-ftlt')!;
      expect(ftlt(days[0]!).orders.map((o) => `${o.side} ${o.symbol}`)).toEqual(['buy TQQQ']);
      expect(ftlt(day2).orders.map((o) => `${o.side} ${o.symbol}`)).toEqual(['buy TQQQ']);
      expect(new Decimal(ftlt(day2).orders[0]!.filledNotional).lte(ftlt(days[0]!).book!.cash)).toBe(true);

      const nonZero = (m: Map<string, Decimal>) =>
        Object.fromEntries([...m].filter(([, q]) => !q.isZero()).map(([s, q]) => [s, q.toString()]));
      const last = days.at(-1)!;
      const ledger = await withLedger(home, async (l) => ({
        runs: (await allPages((o) => l.listRuns(o))).map((r) => r.runId).sort(),
        books: await Promise.all(booksOf(last).map(({ book }) => l.getBook(book.bookId as BookId))),
      }));
      // The holiday never became a run.
      expect(ledger.runs).toEqual(sessions.map((s) => `${s}.local`));
      for (const b of ledger.books) {
        const positions = Object.fromEntries(
          b.positions.map((p) => [p.symbol, new Decimal(p.qty).toString()]),
        );
        expect({ book: b.bookId, positions }).toEqual({
          book: b.bookId,
          positions: nonZero(held.get(b.bookId)!),
        });
        const reported = booksOf(last).find((x) => x.book.bookId === b.bookId)!.book;
        expect(new Decimal(b.cash).eq(reported.cash)).toBe(true);
      }
    },
    4 * PER_DAY_MS + 10_000,
  );

  it(
    'without --date runs the N sessions ending at the last bundled session',
    async () => {
      const manifest = await readBundledManifest();
      const lastBundled = manifest.symbols.SPY?.last;
      expect(lastBundled).toBeDefined();
      const home = await newHome();
      const { code, days, err } = await run(['--home', home, '--days', '2']);
      expect(code, err.join('\n')).toBe(0);
      expect(days.map((d) => d.tradingDay)).toEqual([previousSession(lastBundled!), lastBundled]);
      for (const d of days) {
        expect(d.execution.status).toBe('SUCCEEDED');
        expect(d.execution.skipped).toBeUndefined();
        expect(d.reconciliation.ok).toBe(true);
      }
      // Day 1 against the funding, day 2 against day 1: the account's day P&L is the sum of the books'.
      for (const d of days) {
        const sum = booksOf(d).reduce((a, b) => a.plus(b.book.dayPnl), new Decimal(0));
        expect(sum.toFixed(2)).toBe(d.account.dayPnl);
      }
    },
    2 * PER_DAY_MS + 10_000,
  );

  it(
    'running the days one at a time in one home trades exactly like --days 2',
    async () => {
      const together = await run(['--home', await newHome(), '--date', '2025-11-24', '--days', '2']);
      expect(together.code, together.err.join('\n')).toBe(0);
      expect(together.days).toHaveLength(2);

      const home = await newHome();
      const first = await run(['--home', home, '--date', '2025-11-24']);
      const second = await run(['--home', home, '--date', '2025-11-25']);
      expect([first.code, second.code], [...first.err, ...second.err].join('\n')).toEqual([0, 0]);
      expect(first.days).toHaveLength(1);
      expect(second.days).toHaveLength(1);
      // The second day really traded on the first day's books (some strategies rotate on the 25th).
      expect(second.days[0]!.strategies.some((s) => s.orders.some((o) => o.side === 'sell'))).toBe(true);

      // Same orders (client order ids, quantities, notionals), same outcomes, same books and NAV.
      expect([...first.days, ...second.days].map(tradingOf)).toEqual(together.days.map(tradingOf));
    },
    4 * PER_DAY_MS + 10_000,
  );

  it(
    'ends with a summary of the period; `ensemble report` reads the same days back from the ledger',
    async () => {
      // Arrange / Act: three sessions in text mode
      const home = await newHome();
      const r = await runCli(['run', '--home', home, '--date', '2025-11-24', '--days', '3']);
      expect(r.code, r.err.join('\n')).toBe(0);
      // Assert: the output ends with the period's table — the account, the benchmark, the pool and every
      // strategy, each with its start and end NAV, return and max drawdown.
      const at = r.out.findIndex((l) => l.startsWith('Period 2025-11-24 → 2025-11-26: 3 sessions'));
      expect(at, r.out.slice(-30).join('\n')).toBeGreaterThan(0);
      const table = r.out.slice(at + 2);
      const ids = (await reportJson(home)).strategies.map((s) => s.id);
      expect(table.map((l) => l.trim().split(/\s+/)[0])).toEqual(['account', 'SPY', 'pool', ...ids]);
      expect(table.length).toBeLessThan(30);

      // The report of the recorded days: the books' NAV records, the account their sum.
      const report = await reportJson(home);
      expect([report.from, report.to, report.sessions, report.flow]).toEqual([
        '2025-11-24',
        '2025-11-26',
        3,
        'recorded',
      ]);
      const books = await withLedger(home, async (l) => {
        const navs = await Promise.all(
          [
            'pool',
            ...report.strategies.filter((s) => s.flow === 'per-book').map((s) => `strategy#${s.id}`),
          ].map((b) => allPages((o) => l.listNav(b as BookId, o))),
        );
        return navs;
      });
      for (const [i, [day, nav]] of report.account.equity.entries()) {
        // Core's Decimal (50 digits): the NAVs carry more digits than decimal.js's default 20.
        const sum = books.reduce((a, navs) => a.plus(navs[i]?.nav ?? 0), new D(0));
        expect(new D(nav).eq(sum), day).toBe(true);
      }
      // The summary's returns are the report's.
      for (const s of report.strategies) {
        const line = table.find((l) => l.trim().startsWith(`${s.id} `))!;
        const shown = line.trim().split(/\s+/)[4]!;
        expect(Number(shown.replace('−', '-').replace('%', ''))).toBe(
          Number((s.metrics.totalReturn * 100).toFixed(2)),
        );
      }
      // Finalize wrote each day's report in the home; --html writes the page.
      for (const day of ['2025-11-24', '2025-11-25', '2025-11-26']) {
        const json = JSON.parse(await readFile(join(home, 'reports', day, 'report.json'), 'utf8'));
        expect(json.to).toBe(day);
        expect(await readFile(join(home, 'reports', day, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
      }
      const page = join(home, 'page.html');
      const html = await runCli(['report', '--home', home, '--html', page]);
      expect(html.code, html.err.join('\n')).toBe(0);
      expect(html.out[0]).toMatch(/^Recorded days 2025-11-24 → 2025-11-26: 3 sessions/);
      expect(await readFile(page, 'utf8')).toContain('Allocation over time, per book');

      // Bad input: one clear line, exit 2 (usage) or 1 (nothing recorded).
      const reversed = await runCli(['report', '--home', home, '--from', '2025-11-26', '--to', '2025-11-24']);
      expect([reversed.code, reversed.err[0]?.split('\n')[0]]).toEqual([
        2,
        'ensemble: --from 2025-11-26 is after --to 2025-11-24',
      ]);
      const outside = await runCli(['report', '--home', home, '--from', '2025-12-20']);
      expect([outside.code, outside.err]).toEqual([
        1,
        [`${home} has no recorded session between 2025-12-20 and the end`],
      ]);
      const empty = await runCli(['report', '--home', join(home, 'nothing')]);
      expect(empty.code).toBe(1);
      expect(empty.err).toHaveLength(1);
    },
    3 * PER_DAY_MS + 30_000,
  );
});

/** `ensemble report --json` of a home. */
async function reportJson(home: string): Promise<PerformanceReport> {
  const r = await runCli(['report', '--home', home, '--json']);
  expect(r.code, r.err.join('\n')).toBe(0);
  return JSON.parse(r.out.join('')) as PerformanceReport;
}
