/**
 * Issue 6 acceptance: `ensemble run --broker alpaca` against the loopback fake Alpaca server ends the day
 * with the same books, orders and fills as `ensemble run` on the SimBroker. Both runs go through the CLI
 * in-process, each in its own fresh home. The Alpaca run reaches the fake only through Alpaca's
 * conventional variables (`APCA_API_*`), the official SDK and the adapters, which are unaware of the fake.
 * The fake stands on the same day as the SimBroker run (its clock at 15 minutes before the close) and
 * serves the bundled bars, so any difference is a difference between the two paths through the product.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeAlpacaServer, type FakeAlpacaServer } from '@ensemble/alpaca/fake';
import { closePricesFrom, createMemorySimBrokerStore, createSimBroker } from '@ensemble/broker';
import { loadConfig } from '@ensemble/config';
import type { Broker } from '@ensemble/core';
import { runInstant } from '@ensemble/core';
import { allPages, createLedger } from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { createBundledMarketData } from '@ensemble/market-data';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.ts';

const DAY = '2025-11-28'; // an early close (13:00 New York), the day after Thanksgiving
const RUN_ID = `${DAY}.local`;

interface DayJson {
  runId: string;
  tradingDay: string;
  strategies: { id: string; outcome: string; book: { cash: string; nav: string } | null }[];
  pool: { book: { cash: string; nav: string } | null } | null;
  reconciliation: { ok: boolean; differences: unknown[] };
  execution: { status: string };
}

/** What the ledger of a home says about the day, in a form both brokers must agree on. */
interface LedgerView {
  /** The run's market-data snapshot: a content hash of the bars every strategy evaluated on. */
  snapshot: string | undefined;
  orders: string[];
  fills: string[];
  positions: string[];
  cash: string[];
}

const homes: string[] = [];
const newHome = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ensemble-parity-'));
  homes.push(dir);
  return dir;
};

/** Reads the ledger a CLI run left on disk under `home` (the CLI has closed its database by then). */
const readLedger = async (home: string): Promise<LedgerView> => {
  const db = await startEmbeddedDynamo({ path: join(home, 'db') });
  const client = createLocalDynamoClient(db.endpoint);
  try {
    const ledger = createLedger({ table: 'ensemble', client, clock: () => new Date() });
    const run = await ledger.getRun(RUN_ID);
    const orders = await allPages((o) => ledger.listOrdersOfRun(RUN_ID, o));
    const fills = await allPages((o) => ledger.listFillsOfRun(RUN_ID, o));
    const positions = await allPages((o) => ledger.listAllPositions(o));
    const cash = await allPages((o) => ledger.listCashBalances(o));
    return {
      snapshot: run?.dataSnapshot,
      orders: orders
        .map(
          (o) =>
            `${o.clientOrderId} ${o.bookId} ${o.side} ${o.symbol} qty=${o.requestedQty ?? '-'} notional=${o.requestedNotional ?? '-'} filled=${o.filledQty} for ${o.filledNotional} ${o.status}`,
        )
        .sort(),
      fills: fills
        .map(
          (f) =>
            `${f.fillId} ${f.clientOrderId} ${f.bookId} ${f.side} ${f.symbol} ${f.qty} @ ${f.price} = ${f.notional} fee ${f.fee} ${f.appliedAt ? 'applied' : 'NOT applied'}`,
        )
        .sort(),
      positions: positions.map((p) => `${p.bookId} ${p.symbol} ${p.qty}`).sort(),
      cash: cash.map((c) => `${c.bookId} ${c.cash}`).sort(),
    };
  } finally {
    client.destroy();
    await db.stop();
  }
};

/** The sum of the books' positions by symbol (what the broker account must hold). */
const netPositions = (view: LedgerView): Map<string, string> => {
  const out = new Map<string, Decimal>();
  for (const line of view.positions) {
    const [, symbol, qty] = line.split(' ') as [string, string, string];
    out.set(symbol, (out.get(symbol) ?? new Decimal(0)).plus(qty));
  }
  return new Map([...out].filter(([, q]) => !q.isZero()).map(([s, q]) => [s, q.toString()]));
};

interface Venue {
  readonly fake: FakeAlpacaServer;
  /** The account behind the fake. */
  readonly broker: Broker;
  /** What the CLI needs to reach it: Alpaca's conventional variables. */
  readonly env: Record<string, string>;
}

const fakes: FakeAlpacaServer[] = [];

/**
 * The fake as `ensemble fake-alpaca` sets it up: a SimBroker in memory on the bundled bars, its clock at
 * the run instant of DAY, with the config's starting cash (a fresh account each time).
 */
const startVenue = async (startingCash: string): Promise<Venue> => {
  const data = createBundledMarketData();
  const broker = createSimBroker({
    store: createMemorySimBrokerStore(),
    prices: closePricesFrom(data),
    clock: () => runInstant(DAY),
    startingCash,
  });
  const fake = await createFakeAlpacaServer({ broker, marketData: data, keyId: 'PKPARITY' });
  fakes.push(fake);
  const env = {
    APCA_API_KEY_ID: 'PKPARITY',
    APCA_API_SECRET_KEY: 'parity-secret',
    APCA_API_BASE_URL: fake.url,
    APCA_API_DATA_URL: fake.url,
  };
  return { fake, broker, env };
};

describe('ensemble run --broker alpaca (the loopback fake) vs the SimBroker, same day', () => {
  let fake: FakeAlpacaServer;
  let venue: Broker;
  let env: Record<string, string>;
  let startingCash: string;
  let alpacaHome: string;
  let alpacaLedger: LedgerView;

  beforeAll(async () => {
    startingCash = (await loadConfig(join(REPO_ROOT, 'strategies/ensemble.config.yaml'))).account
      .startingCash;
    ({ fake, broker: venue, env } = await startVenue(startingCash));
  });

  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
    await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
  });

  it('ends the day with the same books, orders and fills, and both reconcile', async () => {
    // Act: the Alpaca run with `--date today` (the fake's clock says DAY), then the SimBroker on DAY.
    alpacaHome = await newHome();
    const simHome = await newHome();
    const a = await runCli(
      ['run', '--json', '--broker', 'alpaca', '--date', 'today', '--home', alpacaHome],
      REPO_ROOT,
      env,
    );
    const s = await runCli(['run', '--json', '--date', DAY, '--home', simHome]);

    // Assert: both days traded cleanly and reconcile.
    expect(a.err.filter((l) => !l.startsWith('warning:'))).toEqual([]);
    expect(s.err.filter((l) => !l.startsWith('warning:'))).toEqual([]);
    expect([a.code, s.code]).toEqual([0, 0]);
    const aDay = JSON.parse(a.out.at(-1)!) as DayJson;
    const sDay = JSON.parse(s.out.at(-1)!) as DayJson;
    expect([aDay.runId, sDay.runId]).toEqual([RUN_ID, RUN_ID]);
    expect([aDay.execution.status, sDay.execution.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(aDay.reconciliation).toEqual({ ok: true, differences: [] });
    expect(sDay.reconciliation).toEqual({ ok: true, differences: [] });
    // Same outcome and end-of-day book (NAV, cash) per strategy and for the pool.
    const books = (d: DayJson) => ({
      strategies: d.strategies.map((x) => ({ id: x.id, outcome: x.outcome, book: x.book })),
      pool: d.pool?.book ?? null,
    });
    expect(books(aDay)).toEqual(books(sDay));
    expect(aDay.strategies.some((x) => x.outcome === 'TRADED')).toBe(true);

    // Same orders (client order ids, book, side, symbol, quantities, status) and fills, from the ledgers.
    const aLedger = await readLedger(alpacaHome);
    alpacaLedger = aLedger;
    const sLedger = await readLedger(simHome);
    // The same bars: Alpaca's paginated bars API gave the snapshot the bundled files give, to the bit.
    expect(aLedger.snapshot).toMatch(/^snapshots\/2025-11-28\//);
    expect(aLedger.snapshot).toBe(sLedger.snapshot);
    expect(aLedger.orders.length).toBeGreaterThan(0);
    expect(aLedger.fills.length).toBeGreaterThan(0);
    expect(aLedger.orders).toEqual(sLedger.orders);
    expect(aLedger.fills).toEqual(sLedger.fills);
    expect(aLedger.positions).toEqual(sLedger.positions);
    expect(aLedger.cash).toEqual(sLedger.cash);

    // The fake's account (what Alpaca would hold) is the sum of the books: every position, and the cash
    // the books hold plus what the day left unallocated.
    const account = await venue.getAccount();
    const held = new Map((await venue.listPositions()).map((p) => [p.symbol, new Decimal(p.qty).toString()]));
    expect(held).toEqual(netPositions(aLedger));
    const booksCash = aLedger.cash.reduce((sum, line) => sum.plus(line.split(' ')[1]!), new Decimal(0));
    expect(new Decimal(account.cash).lte(startingCash)).toBe(true);
    expect(booksCash.lte(account.cash)).toBe(true);
    // Nothing was ordered twice: one POST per order in the ledger.
    expect(fake.requests.filter((r) => r.method === 'POST' && r.url === '/v2/orders').length).toBe(
      aLedger.orders.length,
    );

    // `ensemble reconcile` in the Alpaca home uses the broker the home records (no --broker needed).
    const r = await runCli(['reconcile', '--json', '--home', alpacaHome], REPO_ROOT, env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.at(-1)!)).toEqual({ ok: true, differences: [] });
  });

  it('refuses bad credentials before any order, with a typed ConfigInvalid message', async () => {
    // Arrange
    const home = await newHome();
    const posted = () => fake.requests.filter((r) => r.method === 'POST').length;
    const before = posted();
    // Act
    const bad = await runCli(
      ['run', '--json', '--broker', 'alpaca', '--date', 'today', '--home', home],
      REPO_ROOT,
      { ...env, APCA_API_KEY_ID: 'PKWRONG' },
    );
    const missing = await runCli(['run', '--broker', 'alpaca', '--home', home], REPO_ROOT, {
      ...env,
      APCA_API_SECRET_KEY: '',
    });
    // Assert
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toMatch(/Alpaca refused the request: check APCA_API_KEY_ID/);
    expect(bad.err.join('\n')).not.toContain('parity-secret');
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/APCA_API_SECRET_KEY is required/);
    expect(posted()).toBe(before);
  });

  it('trades only the broker’s day, once, and keeps one broker per home', async () => {
    // Arrange: the home of the Alpaca day above.
    expect(alpacaHome).toBeDefined();
    const posts = fake.requests.filter((r) => r.method === 'POST').length;
    // Act
    const again = await runCli(['run', '--json', '--broker', 'alpaca', '--home', alpacaHome], REPO_ROOT, env);
    const otherDay = await runCli(
      ['run', '--broker', 'alpaca', '--date', '2025-11-26', '--home', alpacaHome],
      REPO_ROOT,
      env,
    );
    const days = await runCli(
      ['run', '--broker', 'alpaca', '--days', '2', '--home', alpacaHome],
      REPO_ROOT,
      env,
    );
    const simToday = await runCli(['run', '--date', 'today', '--home', await newHome()]);
    const sim = await runCli(['run', '--date', DAY, '--home', alpacaHome]);
    const killSwitch = await runCli(['kill-switch', '--json', '--home', alpacaHome]); // no credentials needed
    // Assert
    expect(again.code).toBe(0);
    expect((JSON.parse(again.out.at(-1)!) as { execution: { skipped?: string } }).execution.skipped).toMatch(
      /already ran/,
    );
    expect(otherDay.code).toBe(2);
    expect(otherDay.err.join('\n')).toContain(`the Alpaca broker's date is ${DAY}`);
    expect(days.code).toBe(2);
    expect(days.err.join('\n')).toContain('--days needs the simulated broker');
    expect(simToday.code).toBe(2);
    expect(simToday.err.join('\n')).toContain('--date today needs --broker alpaca');
    expect(sim.code).toBe(1);
    expect(sim.err.join('\n')).toMatch(/keeps the books of the alpaca broker, not sim/);
    expect(killSwitch.code).toBe(0);
    expect(fake.requests.filter((r) => r.method === 'POST').length).toBe(posts);
  });

  it('a crash after an order was sent to Alpaca: `redrive` adopts the order, and ends as the clean day', async () => {
    // Arrange: a fresh account, and a day whose tqqq-ftlt-2 branch crashes right after submitting.
    expect(alpacaLedger).toBeDefined();
    const other = await startVenue(startingCash);
    const home = await newHome();
    const crashed = await runCli(
      ['run', '--json', '--broker', 'alpaca', '--home', home, '--fault', 'execute:tqqq-ftlt-2:after-submit'],
      REPO_ROOT,
      other.env,
    );
    expect(crashed.code).toBe(1);
    const crashedDay = JSON.parse(crashed.out.at(-1)!) as DayJson;
    expect(crashedDay.strategies.find((x) => x.id === 'tqqq-ftlt-2')?.outcome).toBe('FAILED');
    const runId = crashedDay.runId;
    // Act: the redrive finds the home's broker (alpaca) without being told.
    const redriven = await runCli(['redrive', runId, '--json', '--home', home], REPO_ROOT, other.env);
    // Assert
    expect(redriven.code).toBe(0);
    expect((JSON.parse(redriven.out.at(-1)!) as DayJson).reconciliation).toEqual({
      ok: true,
      differences: [],
    });
    const after = await readLedger(home);
    expect(after.orders).toEqual(alpacaLedger.orders);
    expect(after.fills).toEqual(alpacaLedger.fills);
    expect(after.positions).toEqual(alpacaLedger.positions);
    expect(after.cash).toEqual(alpacaLedger.cash);
    const posts = other.fake.requests.filter((r) => r.method === 'POST' && r.url === '/v2/orders');
    expect(posts.length).toBe(after.orders.length); // nothing placed twice
  });
});
