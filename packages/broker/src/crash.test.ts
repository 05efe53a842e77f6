/**
 * No double-apply: seeded random schedules crash the store before or after its writes (the write lost, or
 * done with the response lost) while a client submits orders the way the executor does — look the id up,
 * adopt it if the broker has it, else submit (or resubmit blindly and adopt on `DuplicateClientOrderId`);
 * retry on `BrokerUnavailable`. Afterwards, with faults off,
 * cash and positions must equal exactly one application of every order the broker has.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { cents, D, EnsembleError, str } from '@ensemble/core';
import { createLocalDynamoClient, type EmbeddedDynamo, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoSimBrokerStore, ensureSimBrokerTable } from './dynamo-store.ts';
import { createMemorySimBrokerStore } from './memory-store.ts';
import { staticPrices } from './prices.ts';
import { createSimBroker } from './sim-broker.ts';
import { soleWriterStore } from './sole-writer-store.ts';
import { order, settableClock } from './testing/index.ts';
import type { SimBrokerStore } from './types.ts';

/** mulberry32: a small seeded PRNG. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Wraps a store so each write crashes with probability `p`: half before the write, half after it. */
const crashing = (inner: SimBrokerStore, random: () => number, p: number) => {
  const counts = { before: 0, after: 0 };
  const write =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const r = random();
      if (r < p / 2) {
        counts.before++;
        throw new Error('crash before write');
      }
      const out = await f(...args);
      if (r < p) {
        counts.after++;
        throw new Error('crash after write');
      }
      return out;
    };
  const store: SimBrokerStore = {
    loadAccount: () => inner.loadAccount(),
    getArchivedOrder: (cid) => inner.getArchivedOrder(cid),
    clientIdOfArchived: (id) => inner.clientIdOfArchived(id),
    createAccount: write((s) => inner.createAccount(s)),
    replaceAccount: write((s, v) => inner.replaceAccount(s, v)),
    archiveOrders: write((o) => inner.archiveOrders(o)),
  };
  return { store, counts };
};

const PRICES = { SPY: '500', AAPL: '200', TLT: '87.35' };
const SYMBOLS = Object.keys(PRICES);

/** Runs one schedule; returns the crash counts and the number of orders the broker accepted. */
const runSchedule = async (seed: number, inner: SimBrokerStore, orders: number, soleWriter = false) => {
  const random = prng(seed);
  const { store: crashingStore, counts } = crashing(inner, random, 0.3);
  const store = soleWriter ? soleWriterStore(crashingStore) : crashingStore;
  const clock = settableClock().clock;
  const broker = createSimBroker({ store, prices: staticPrices(PRICES), clock, startingCash: '10000' });
  const cids: string[] = [];
  for (let i = 0; i < orders; i++) {
    const symbol = SYMBOLS[Math.floor(random() * SYMBOLS.length)] ?? 'SPY';
    const side = random() < 0.6 ? 'buy' : 'sell';
    const size =
      random() < 0.5 ? { qty: str(new D(Math.floor(random() * 3000) + 1).div(1000)) } : { notional: '150' };
    const cid = `s${seed}-o${i}`;
    cids.push(cid);
    if (random() < 0.3) broker.faults.crashAfterAccept();
    for (let attempt = 0; ; attempt++) {
      if (attempt > 100) throw new Error(`${cid}: no progress`);
      try {
        // Half the retries look the id up first (the executor's way); the others resubmit blindly.
        if (attempt > 0 && random() < 0.5 && (await broker.getOrderByClientId(cid))) break; // adopt
        await broker.submitOrder(order(cid, symbol, side, size));
        break;
      } catch (e) {
        if (e instanceof EnsembleError && e.name === 'DuplicateClientOrderId') break; // adopt
        if (e instanceof EnsembleError && e.retryable) continue;
        if (e instanceof EnsembleError && ['InsufficientBuyingPower', 'OrderRejected'].includes(e.name))
          break;
        throw e;
      }
    }
  }
  // Verify with faults off.
  const clean = createSimBroker({ store: inner, prices: staticPrices(PRICES), clock, startingCash: '999' });
  let cash = new D(10000);
  const qty = new Map<string, D>();
  let accepted = 0;
  for (const cid of cids) {
    const o = await clean.getOrderByClientId(cid);
    if (!o) continue;
    accepted++;
    expect(o.status).toBe('filled');
    const amount = cents(new D(o.filledQty).times(o.filledAvgPrice ?? '0'));
    cash = o.side === 'buy' ? cash.minus(amount) : cash.plus(amount);
    const signed = o.side === 'buy' ? new D(o.filledQty) : new D(o.filledQty).neg();
    qty.set(o.symbol, (qty.get(o.symbol) ?? new D(0)).plus(signed));
  }
  expect((await clean.getAccount()).cash).toBe(str(cash));
  const held = [...qty].filter(([, q]) => !q.isZero()).sort(([a], [b]) => (a < b ? -1 : 1));
  expect((await clean.listPositions()).map((p) => [p.symbol, p.qty])).toEqual(
    held.map(([s, q]) => [s, str(q)]),
  );
  expect(await clean.listOpenOrders()).toEqual([]);
  return { ...counts, accepted };
};

describe('SimBroker crash safety', () => {
  /** 200 schedules on the memory store; they must really crash on both sides of writes and really trade. */
  const twoHundredSchedules = async (firstSeed: number, soleWriter: boolean) => {
    const totals = { before: 0, after: 0, accepted: 0 };
    for (let seed = firstSeed; seed < firstSeed + 200; seed++) {
      const r = await runSchedule(seed, createMemorySimBrokerStore(), 8, soleWriter);
      totals.before += r.before;
      totals.after += r.after;
      totals.accepted += r.accepted;
    }
    expect(totals.before).toBeGreaterThan(200);
    expect(totals.after).toBeGreaterThan(200);
    expect(totals.accepted).toBeGreaterThan(800);
  };

  it('never double-applies an order across 200 seeded crash schedules (memory store)', () =>
    twoHundredSchedules(1, false));

  // A write that crashes after it was applied leaves the copy behind the store: the next write must notice
  // (its condition fails), never apply an order twice, and the orders must all still be found.
  it('never double-applies an order across 200 seeded crash schedules behind the sole-writer copy', () =>
    twoHundredSchedules(501, true));

  describe('on dynalite', () => {
    let db: EmbeddedDynamo;
    let client: DynamoDBClient;
    beforeAll(async () => {
      db = await startEmbeddedDynamo();
      client = createLocalDynamoClient(db.endpoint);
      await ensureSimBrokerTable(client, 'sim-crash');
    });
    afterAll(async () => {
      client.destroy();
      await db.stop();
    });

    it('never double-applies an order across 12 seeded crash schedules', async () => {
      let crashes = 0;
      for (let seed = 1001; seed <= 1012; seed++) {
        const store = createDynamoSimBrokerStore({ client, table: 'sim-crash', accountId: `seed-${seed}` });
        const r = await runSchedule(seed, store, 6);
        crashes += r.before + r.after;
      }
      expect(crashes).toBeGreaterThan(12);
    });
  });
});
