/**
 * End to end through `ensemble run`: capital and flows behaving as an operator expects.
 *  1. The rails let every set trade: all-aggregated, all-per-book and the mixed default set run 30 sessions
 *     without a BLOCKED unit (the limits are multiples of what they guard; with the absolute per-order cap of
 *     25 000 set, the pool's large orders are split into child orders), each set in its own process, side by
 *     side.
 *  2. Capital rebalancing happens (the default weekly check, relative band 0.1): transfers go from books above
 *     their target to books below it, and are reported.
 *  3. A change of allocations on an existing home is applied at once (reported transfers), never ignored.
 *  4. Every day — flip days both ways included — the day P&Ls shown add up to the account's, which is the
 *     change of its NAV (less what came in from the unallocated cash).
 *  5. Flipping back out of the pool hands each strategy what it targets: the carved books and the pool do not
 *     trade against each other that day; and on every day, what books would trade against each other is
 *     crossed between them at the account first (NetOrders): a symbol reaches the broker both ways only as a
 *     remainder of a cross.
 * Each test has its own home (its own database and simulated account).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, isStale } from '../../packages/cli/scripts/build.mjs';
import { REPO_ROOT, runCli, strategiesWith, tempDirs } from '../support/cli.ts';

interface Order {
  symbol: string;
  side: 'buy' | 'sell';
  status: string;
  filledNotional: string;
}
interface Book {
  bookId: string;
  nav: string;
  cash: string;
  dayPnl: string;
}
interface Transfer {
  from: string;
  to: string;
  amount: string;
  symbol?: string;
}
interface DayJson {
  tradingDay: string;
  status: string;
  strategies: {
    id: string;
    flow: string;
    flip?: { from: string; to: string };
    outcome: string;
    orders: Order[];
    book: Book | null;
  }[];
  pool: { orders: Order[]; book: Book | null } | null;
  account: { nav: string; dayPnl: string };
  capital: {
    policy: string;
    band: string | null;
    transfers: Transfer[];
    books: { id: string; share: string; target: string }[];
  };
  /** Shares crossed between books at the account (NetOrders) instead of at the broker. */
  netting: { symbol: string; from: string; to: string; qty: string; amount: string }[];
  reconciliation: { ok: boolean };
}

const BIN = join(REPO_ROOT, 'packages/cli/bin/ensemble.mjs');
// A local day takes ~3–5 s; three sets share the machine's cores.
const SET_MS = 30 * 15_000;

const dirs = tempDirs('ensemble-capital-');
afterAll(dirs.cleanup);
beforeAll(async () => {
  // The processes below start from the bundle: build it once, not three times at once.
  if (isStale()) await build();
}, 120_000);

/** `ensemble run --json …` in its own process (so sets run in parallel); one day per line. */
const spawnRun = async (args: string[]): Promise<DayJson[]> => {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'run', '--json', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    maxBuffer: 512 * 1024 * 1024,
  });
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DayJson);
};

/** `ensemble run --json …` in this process. */
const run = async (args: string[]): Promise<DayJson[]> => {
  const r = await runCli(['run', '--json', ...args]);
  expect(r.code, r.err.join('\n')).toBe(0);
  return r.out.map((l) => JSON.parse(l) as DayJson);
};

/** The optional absolute per-order cap, which splits the pool's large orders into child orders. */
const CAPPED = '\nrails:\n  maxOrderNotional: "25000"\n';

/** A copy of the default set with every strategy's flow set to `flow` (or as shipped). */
const setWith = async (edit: (yaml: string) => string): Promise<string> => {
  const config = await strategiesWith(await dirs.make(), {});
  await writeFile(config, edit(await readFile(config, 'utf8')));
  return config;
};

/** The day P&Ls shown: every strategy's book shown, and the pool's. */
const shownBooks = (d: DayJson): Book[] => [
  ...d.strategies.flatMap((s) => (s.book ? [s.book] : [])),
  ...(d.pool?.book ? [d.pool.book] : []),
];

/** Cash that came into the books from the unallocated cash that day (funding, capital), less what went back. */
const inflow = (d: DayJson): Decimal =>
  d.capital.transfers.reduce(
    (a, t) =>
      t.symbol !== undefined
        ? a
        : t.from === 'unallocated'
          ? a.plus(t.amount)
          : t.to === 'unallocated'
            ? a.minus(t.amount)
            : a,
    new Decimal(0),
  );

/**
 * Netting at the account (item 5's "net them at the account before the broker"): a symbol that some unit
 * sold and another bought at the broker on one day was crossed between books first, so what reached the
 * broker both ways is a remainder the buyer could not pay for before its sells; returns the day's crosses.
 */
const expectNettedFirst = (days: DayJson[]): number => {
  let crosses = 0;
  for (const d of days) {
    const units = [...d.strategies.map((s) => s.orders), d.pool?.orders ?? []];
    const sides = new Map<string, Set<string>>();
    for (const o of units.flat().filter((x) => x.status === 'FILLED'))
      sides.set(o.symbol, (sides.get(o.symbol) ?? new Set()).add(o.side));
    const both = [...sides].filter(([, s]) => s.size > 1).map(([symbol]) => symbol);
    const crossed = new Set(d.netting.map((c) => c.symbol));
    expect({ day: d.tradingDay, notCrossed: both.filter((s) => !crossed.has(s)) }).toEqual({
      day: d.tradingDay,
      notCrossed: [],
    });
    crosses += d.netting.length;
  }
  return crosses;
};

/** Checks item 4's identity on every day of `days`. */
const expectPnlAddsUp = (days: DayJson[]): void => {
  let previous: DayJson | undefined;
  for (const d of days) {
    const shown = shownBooks(d).reduce((a, b) => a.plus(b.dayPnl), new Decimal(0));
    const navs = shownBooks(d).reduce((a, b) => a.plus(b.nav), new Decimal(0));
    const change = new Decimal(d.account.nav).minus(previous?.account.nav ?? 0).minus(inflow(d));
    expect({
      day: d.tradingDay,
      shown: shown.toFixed(2),
      navs: navs.toFixed(2),
      change: change.toFixed(2),
    }).toEqual({
      day: d.tradingDay,
      shown: d.account.dayPnl,
      navs: d.account.nav,
      change: d.account.dayPnl,
    });
    previous = d;
  }
};

describe('capital and flows end to end (ensemble run)', () => {
  it(
    'all-aggregated, all-per-book and the mixed default set each run 30 sessions without a BLOCKED unit, and capital is rebalanced',
    async () => {
      // Arrange: the three sets, 30 sessions from 2025-10-17 (where the pool's 28 433 TQQQ buy used to block);
      // the two one-flow sets under an absolute per-order cap of 25 000, the mixed one under the default rails.
      const [aggregated, perBook] = await Promise.all([
        setWith((y) => y.replaceAll('flow: per-book', 'flow: aggregated') + CAPPED),
        setWith((y) => y.replaceAll('flow: aggregated', 'flow: per-book') + CAPPED),
      ]);
      const args = (config?: string) => [
        ...(config ? ['--config', config] : []),
        ...['--home', '', '--date', '2025-10-17', '--days', '30'],
      ];
      const homes = await Promise.all([dirs.make(), dirs.make(), dirs.make()]);
      const withHome = (a: string[], home: string) => a.map((x, i) => (a[i - 1] === '--home' ? home : x));
      // Act
      const [agg, pb, mixed] = await Promise.all([
        spawnRun(withHome(args(aggregated), homes[0]!)),
        spawnRun(withHome(args(perBook), homes[1]!)),
        spawnRun(withHome(args(), homes[2]!)),
      ]);
      // Assert (1): every unit of every day of every set traded or held; every day reconciled.
      for (const [name, days] of [
        ['all-aggregated', agg],
        ['all-per-book', pb],
        ['mixed', mixed],
      ] as const) {
        expect(days, name).toHaveLength(30);
        const stopped = days.flatMap((d) =>
          d.strategies
            .filter((s) => !['TRADED', 'ALL_HOLD'].includes(s.outcome))
            .map((s) => `${d.tradingDay} ${s.id} ${s.outcome}`),
        );
        expect({ name, stopped }).toEqual({ name, stopped: [] });
        expect(
          days.every((d) => d.status === 'SUCCEEDED' && d.reconciliation.ok),
          name,
        ).toBe(true);
        expectPnlAddsUp(days);
        const crosses = expectNettedFirst(days);
        // Books of the mixed and all-per-book sets trade against each other; the all-aggregated set is one book.
        if (name === 'all-aggregated') expect(crosses, name).toBe(0);
        else expect(crosses, name).toBeGreaterThan(0);
      }
      // The all-aggregated pool is invested from day 1 (its TQQQ buy over 25 000 went as child orders).
      const pool1 = agg[0]!.pool!;
      expect(pool1.orders.filter((o) => o.symbol === 'TQQQ' && o.side === 'buy').length).toBeGreaterThan(1);
      for (const d of agg)
        expect(new Decimal(d.pool!.book!.cash).lt(new Decimal(d.pool!.book!.nav).times('0.5'))).toBe(true);

      // Assert (2): capital moved after day 1, each transfer from a book above its target the day before to
      // one below it (shares reported against targets), and the band is the configured relative 0.1.
      for (const days of [pb, mixed]) {
        const moves = days.slice(1).filter((d) => d.capital.transfers.length > 0);
        expect(moves.length).toBeGreaterThan(0);
        for (const d of moves) {
          // The book furthest over its target the day before gives; the one furthest under it receives.
          const drift = days[days.indexOf(d) - 1]!.capital.books.map((b) => ({
            book: b.id === 'pool' ? 'pool' : `strategy#${b.id}`,
            off: new Decimal(b.share).div(b.target).minus(1),
          }));
          drift.sort((a, b) => a.off.comparedTo(b.off));
          expect(d.capital.transfers.map((t) => t.from)).toContain(drift.at(-1)!.book);
          expect(d.capital.transfers.map((t) => t.to)).toContain(drift[0]!.book);
        }
        expect(days[0]!.capital).toMatchObject({ policy: 'fixed', band: '0.1' });
      }
    },
    SET_MS * 2,
  );

  it(
    'flip days add up both ways, the flip back hands each strategy what it targets, and a change of allocations is applied',
    async () => {
      // Arrange: the default set; gold and holy-grail flip into the pool on the 19th, back out on the 21st.
      const config = await strategiesWith(await dirs.make(), {});
      const home = await dirs.make();
      const shipped = await readFile(config, 'utf8');
      const flows = (flow: string) =>
        shipped.replace(
          /(- id: (?:gold|holy-grail)\n(?: {4}.*\n)*? {4}flow: )per-book/g,
          (_, head: string) => `${head}${flow}`,
        );
      const day = async (date: string, yaml: string) => {
        await writeFile(config, yaml);
        return (await run(['--config', config, '--home', home, '--date', date]))[0]!;
      };
      // Act
      const days = [
        await day('2025-11-17', shipped),
        await day('2025-11-18', shipped),
        await day('2025-11-19', flows('aggregated')),
        await day('2025-11-20', flows('aggregated')),
        await day('2025-11-21', shipped),
        // The operator moves 4 points of allocation from holy-grail to tqqq-ftlt.
        await day(
          '2025-11-24',
          shipped
            .replace(/(- id: tqqq-ftlt\n.*\n {4}allocation: )0\.110/, '$10.150')
            .replace(/(- id: holy-grail\n.*\n {4}allocation: )0\.110/, '$10.070'),
        ),
      ];
      // Assert (4): every day, flips included, the P&Ls shown add up to the account's.
      expect(days.every((d) => d.status === 'SUCCEEDED' && d.reconciliation.ok)).toBe(true);
      expectPnlAddsUp(days);
      expectNettedFirst(days);
      // The flip-in day shows the flipped strategies' own books with what they made before the flip.
      const flipIn = days[2]!;
      for (const id of ['gold', 'holy-grail']) {
        const s = flipIn.strategies.find((x) => x.id === id)!;
        expect({ id, flow: s.flow, flip: s.flip, book: s.book !== null }).toEqual({
          id,
          flow: 'aggregated',
          flip: { from: 'per-book', to: 'aggregated' },
          book: true,
        });
        expect(s.book!.nav).toBe('0.00');
      }
      // Assert (5): on the flip back, each strategy got what it targets: the carved books and the pool trade
      // against each other only what the day's own signals changed (was 29 orders, 16 574.67 of 84 600 before
      // the carve by weights): under 1 % of the carved books' value.
      const flipBack = days[4]!;
      const carved = flipBack.strategies.filter((s) => s.flip?.to === 'per-book');
      expect(carved.map((s) => s.id).sort()).toEqual(['gold', 'holy-grail']);
      const poolSides = new Map((flipBack.pool?.orders ?? []).map((o) => [o.symbol, o.side]));
      const offsetting = carved
        .flatMap((s) => s.orders.filter((o) => poolSides.has(o.symbol) && poolSides.get(o.symbol) !== o.side))
        .reduce((a, o) => a.plus(o.filledNotional), new Decimal(0));
      const carvedValue = carved.reduce((a, s) => a.plus(s.book!.nav), new Decimal(0));
      expect(carvedValue.gt(15_000)).toBe(true);
      expect(offsetting.lt(carvedValue.times('0.01'))).toBe(true);
      // Assert (3): the new allocations are applied the day they appear: holy-grail gives, tqqq-ftlt gets.
      const realloc = days[5]!;
      expect(realloc.capital.transfers.some((t) => t.from === 'strategy#holy-grail')).toBe(true);
      expect(realloc.capital.transfers.some((t) => t.to === 'strategy#tqqq-ftlt')).toBe(true);
      expect(realloc.capital.books.find((b) => b.id === 'tqqq-ftlt')?.target).toBe('0.15');
      const ftlt = realloc.capital.books.find((b) => b.id === 'tqqq-ftlt')!;
      expect(new Decimal(ftlt.share).minus('0.15').abs().lt('0.01')).toBe(true);
    },
    6 * 20_000,
  );

  it('refuses --days past the bundled data, saying where it ends, before running anything', async () => {
    const home = await dirs.make();
    const r = await runCli(['run', '--json', '--home', home, '--date', '2025-11-26', '--days', '5']);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(
      /the bundled market data ends on 2025-12-01: .* \(3 of the sessions asked for fit: use --days 3\)/,
    );
    expect(r.out).toEqual([]);
  });
});
