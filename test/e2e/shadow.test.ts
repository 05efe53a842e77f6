/**
 * End to end, shadow mode (docs/shadow.md): `ensemble run` through the real interpreter on the embedded
 * database, the simulated broker and the bundled data, with one `mode: shadow` strategy (trial, on
 * holy_grail.clj) and one aggregated strategy with `shadow: per-book` (kmlm-switcher). Each test gets its own
 * home (its own database and simulated account).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDynamoSimBrokerStore } from '@ensemble/broker';
import { D } from '@ensemble/core';
import {
  allPages,
  type BookId,
  createLedger,
  createShadowLedger,
  type LedgerRepository,
  type ShadowLedger,
} from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, strategiesWith, tempDirs } from '../support/cli.ts';

interface Order {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  status: string;
  filledQty: string;
  filledNotional: string;
}
interface Shadow {
  flow: string;
  outcome: string;
  error?: { name: string; message: string };
  orders: Order[];
  book: { nav: string; dayPnl: string | null } | null;
  trackingDifferencePct: string | null;
}
interface Strategy {
  id: string;
  mode: 'live' | 'shadow';
  flow: string;
  outcome: string;
  orders: Order[];
  book: { bookId: string; nav: string; cash: string; dayPnl: string | null } | null;
  shadow: Shadow | null;
}
interface DayJson {
  runId: string;
  tradingDay: string;
  status: string;
  strategies: Strategy[];
  pool: { members: string[]; orders: Order[]; book: unknown } | null;
  reconciliation: { ok: boolean; differences: unknown[] };
  execution: { name: string; status: string; transitions: { perStrategy: number; total: number } };
}

const KMLM = 'kmlm-switcher';
const TRIAL = 'trial';
/** The ledger's table in a local home (`LOCAL_TABLE` in packages/cli/src/local/world.ts). */
const LOCAL_TABLE = 'ensemble';
// A local day takes ~3–6 s with the paper books; allow for a loaded machine.
const PER_DAY_MS = 25_000;

const dirs = tempDirs('ensemble-shadow-');
afterAll(dirs.cleanup);

/** The operator's folder with kmlm-switcher shadowed per-book and trial on paper (`changes` applied after). */
const shadowConfig = async (changes: (text: string) => string = (t) => t): Promise<string> => {
  const path = await strategiesWith(await dirs.make(), {});
  const text = (await readFile(path, 'utf8'))
    .replace(
      `id: ${KMLM}\n    file: kmlm_switcher.clj\n    allocation: 0.052\n    flow: aggregated\n`,
      (m) => `${m}    shadow: per-book\n`,
    )
    .concat(
      `  - id: ${TRIAL}\n    file: holy_grail.clj\n    allocation: 0.2\n    flow: per-book\n    mode: shadow\n`,
    );
  await writeFile(path, changes(text));
  return path;
};

/** `ensemble run --json …`: one JSON object per line, one line per day. */
const run = async (args: string[]) => {
  const r = await runCli(['run', '--json', ...args]);
  return { code: r.code, days: r.out.map((l) => JSON.parse(l) as DayJson), err: r.err };
};

/** The home's database after the CLI has exited: both scopes of the ledger, and the simulated broker's store. */
async function withHome<T>(
  home: string,
  f: (h: {
    ledger: LedgerRepository;
    shadow: ShadowLedger;
    broker: ReturnType<typeof createDynamoSimBrokerStore>;
  }) => Promise<T>,
) {
  const db = await startEmbeddedDynamo({ path: join(home, 'db') });
  const client = createLocalDynamoClient(db.endpoint);
  try {
    return await f({
      ledger: createLedger({ table: LOCAL_TABLE, client }),
      shadow: createShadowLedger({ table: LOCAL_TABLE, client }),
      broker: createDynamoSimBrokerStore({ client }),
    });
  } finally {
    client.destroy();
    await db.stop();
  }
}

const entry = (d: DayJson, id: string): Strategy => {
  const s = d.strategies.find((x) => x.id === id);
  if (!s) throw new Error(`no ${id} on ${d.tradingDay}`);
  return s;
};

/** What production did on a day: every live strategy without its paper book, the pool, reconciliation. */
const production = (d: DayJson) => ({
  runId: d.runId,
  status: d.status,
  strategies: d.strategies.filter((s) => s.mode === 'live').map(({ shadow: _, ...s }) => s),
  pool: d.pool,
  reconciliation: d.reconciliation,
});

describe('shadow mode end to end (ensemble run)', () => {
  let home: string;
  let days: DayJson[];

  it(
    'ten sessions: both paper books valued every day, paper orders filled, none at the broker, reconciliation OK',
    async () => {
      // Arrange
      home = await dirs.make();
      const config = await shadowConfig();
      // Act: the 10 sessions from 2025-11-14 (Thanksgiving, the 27th, is not one).
      const r = await run(['--config', config, '--home', home, '--date', '2025-11-14', '--days', '10']);
      days = r.days;
      // Assert
      expect(r.code, r.err.join('\n')).toBe(0);
      expect(days).toHaveLength(10);
      expect(days.at(-1)?.tradingDay).toBe('2025-11-28');
      let paperOrders: Order[] = [];
      for (const d of days) {
        expect(d.execution.status, d.tradingDay).toBe('SUCCEEDED');
        expect(d.status, d.tradingDay).toBe('SUCCEEDED');
        expect(d.reconciliation, d.tradingDay).toEqual({ ok: true, differences: [] });
        // Within the transition target with the paper books (each costs one state, and three per day).
        expect(d.execution.transitions.perStrategy, d.tradingDay).toBeLessThanOrEqual(7);
        const kmlm = entry(d, KMLM);
        const trial = entry(d, TRIAL);
        // kmlm-switcher trades in the pool, and keeps its paper per-book book.
        expect(kmlm).toMatchObject({ mode: 'live', flow: 'aggregated', orders: [], book: null });
        expect(d.pool?.members).toContain(KMLM);
        // trial: nothing real, its paper book under `shadow`.
        expect(trial).toMatchObject({
          mode: 'shadow',
          flow: 'per-book',
          outcome: 'SKIPPED',
          orders: [],
          book: null,
        });
        for (const s of [kmlm, trial]) {
          expect(s.shadow, `${s.id} ${d.tradingDay}`).toMatchObject({
            flow: 'per-book',
            outcome: expect.stringMatching(/^(TRADED|ALL_HOLD)$/),
            book: { nav: expect.any(String) },
          });
          expect(new D(s.shadow!.book!.nav).gt(0)).toBe(true);
          paperOrders = [...paperOrders, ...s.shadow!.orders];
        }
        expect(kmlm.shadow?.trackingDifferencePct, d.tradingDay).toEqual(expect.any(String));
        expect(trial.shadow?.trackingDifferencePct).toBeNull();
        // Every other live strategy has no paper book.
        for (const s of d.strategies.filter((x) => x.id !== KMLM && x.id !== TRIAL))
          expect(s.shadow).toBeNull();
      }
      // Paper orders were placed, and filled by the paper broker.
      expect(paperOrders.length).toBeGreaterThan(5);
      for (const o of paperOrders) expect(o.status).toBe('FILLED');
      // Day P&L from the second day on, against the previous paper NAV.
      for (const d of days.slice(1)) expect(entry(d, TRIAL).shadow?.book?.dayPnl).toEqual(expect.any(String));

      // No order at the broker carries a shadow strategy's id (production trades kmlm-switcher in the pool,
      // whose orders are the pool's), and none of the paper orders ever reached it.
      const real = days.flatMap((d) => [...d.strategies.flatMap((s) => s.orders), ...(d.pool?.orders ?? [])]);
      expect(real.length).toBeGreaterThan(20);
      for (const o of real) expect(o.clientOrderId).not.toMatch(new RegExp(`_s-(${TRIAL}|${KMLM})_`));
      await withHome(home, async ({ ledger, shadow, broker }) => {
        const account = await broker.loadAccount();
        const atBroker = new Set(Object.keys(account?.state.orders ?? {}));
        for (const o of paperOrders) {
          expect(atBroker.has(o.clientOrderId)).toBe(false);
          expect(await broker.getArchivedOrder(o.clientOrderId)).toBeNull();
        }
        // Each real order is at the broker (adopted by client id), so the check above looks in the right place.
        const sample = real[0]!;
        expect(
          atBroker.has(sample.clientOrderId) || (await broker.getArchivedOrder(sample.clientOrderId)),
        ).toBeTruthy();
        // Both paper books have a NAV on every one of the ten days, in the shadow scope only.
        for (const id of [KMLM, TRIAL]) {
          const bookId: BookId = `strategy#${id}`;
          const navs = await allPages((o) => shadow.listNav(bookId, o));
          expect(navs.map((n) => n.day)).toEqual(days.map((d) => d.tradingDay));
        }
        expect(await allPages((o) => ledger.listNav(`strategy#${TRIAL}`, o))).toEqual([]);
        expect(await allPages((o) => ledger.listNav(`strategy#${KMLM}`, o))).toEqual([]);
      });
    },
    10 * PER_DAY_MS + 20_000,
  );

  it(
    'flipping the shadowed strategy to per-book carves its slice out of the pool to the cent; its paper history stays',
    async () => {
      // Arrange: the same home; kmlm-switcher now per-book, alone. PrepareRun flips it, then the step crashes
      // on purpose right after (`prepare-run:run:end`), so the books can be read before anything trades.
      const config = await shadowConfig((t) =>
        t.replace(
          `id: ${KMLM}\n    file: kmlm_switcher.clj\n    allocation: 0.052\n    flow: aggregated\n    shadow: per-book\n`,
          `id: ${KMLM}\n    file: kmlm_switcher.clj\n    allocation: 0.052\n    flow: per-book\n`,
        ),
      );
      const totals = (books: { cash: string; positions: { symbol: string; qty: string }[] }[]) => {
        const shares = new Map<string, D>();
        for (const b of books)
          for (const p of b.positions) shares.set(p.symbol, (shares.get(p.symbol) ?? new D(0)).plus(p.qty));
        return {
          cash: books.reduce((a, b) => a.plus(b.cash), new D(0)).toFixed(2),
          shares: Object.fromEntries([...shares].map(([s, q]) => [s, q.toFixed()]).sort()),
        };
      };
      const books = (ledger: LedgerRepository) =>
        Promise.all(['pool', `strategy#${KMLM}`].map((b) => ledger.getBook(b as BookId)));
      const before = await withHome(home, async ({ ledger, broker }) => ({
        books: await books(ledger),
        account: (await broker.loadAccount())?.state,
      }));
      // Act
      const crashed = await run([
        '--config',
        config,
        '--home',
        home,
        '--date',
        '2025-12-01',
        '--fault',
        'prepare-run:run:end',
      ]);
      const flipped = await withHome(home, async ({ ledger, broker }) => ({
        books: await books(ledger),
        account: (await broker.loadAccount())?.state,
        plans: await allPages((o) =>
          ledger.listTransferPlans({ ...o, from: '2025-12-01', to: '2025-12-01' }),
        ),
      }));
      const resumed = await run(['--config', config, '--home', home, '--date', '2025-12-01']);
      // Assert: the flip moved the pool's kmlm slice into its own book by ledger transfers only — the two
      // books' cash to the cent and every symbol's shares exactly as before, the broker account untouched.
      expect(crashed.code).toBe(1);
      expect(before.books[1]).toMatchObject({ cash: '0', positions: [] });
      expect(flipped.plans.map((p) => [p.kind, p.strategyId, p.fromFlow, p.toFlow])).toEqual([
        ['flip', KMLM, 'aggregated', 'per-book'],
      ]);
      expect(totals(flipped.books)).toEqual(totals(before.books));
      expect(
        flipped.books[1]!.positions.length + Number(new D(flipped.books[1]!.cash).gt(0)),
      ).toBeGreaterThan(0);
      expect(flipped.account).toEqual(before.account);
      // The day then completes on the flipped books, and reconciles.
      expect(resumed.code, resumed.err.join('\n')).toBe(0);
      const day = resumed.days[0]!;
      expect(day.reconciliation).toEqual({ ok: true, differences: [] });
      expect(entry(day, KMLM)).toMatchObject({
        mode: 'live',
        flow: 'per-book',
        shadow: null,
        book: { nav: expect.any(String) },
      });
      expect(day.pool?.members).not.toContain(KMLM);
      // kmlm-switcher's paper book keeps its ten days of history, readable, no longer traded.
      await withHome(home, async ({ shadow }) => {
        const navs = await allPages((o) => shadow.listNav(`strategy#${KMLM}`, o));
        expect(navs.map((n) => n.day)).toEqual(days.map((d) => d.tradingDay));
        expect(
          (await allPages((o) => shadow.listOrdersOfBook(`strategy#${KMLM}`, o))).length,
        ).toBeGreaterThan(0);
      });
    },
    3 * PER_DAY_MS,
  );

  it(
    'a crash in every paper order leaves production exactly as a run without shadows',
    async () => {
      // Arrange: the default config, and the shadow config with every paper order crashing once submitted.
      const plainHome = await dirs.make();
      const shadowHome = await dirs.make();
      const args = ['--date', '2025-11-24', '--days', '3'];
      // Act
      const plain = await run(['--home', plainHome, ...args]);
      const crashing = await run([
        '--config',
        await shadowConfig(),
        '--home',
        shadowHome,
        ...args,
        '--fault',
        'shadow:*:after-submit',
      ]);
      // Assert
      expect([plain.code, crashing.code], [...plain.err, ...crashing.err].join('\n')).toEqual([0, 0]);
      expect(crashing.days.map(production)).toEqual(plain.days.map(production));
      // The paper books did crash (they ran, and trading them failed), and said so.
      const failed = crashing.days.flatMap((d) =>
        [entry(d, KMLM), entry(d, TRIAL)].filter((s) => s.shadow?.outcome === 'FAILED'),
      );
      expect(failed.length).toBeGreaterThan(0);
      for (const s of failed) expect(s.shadow?.error?.name).toBe('SimulatedCrash');
    },
    6 * PER_DAY_MS,
  );
});
