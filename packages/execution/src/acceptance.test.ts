/**
 * Acceptance: randomized, seeded fault schedules. Each schedule is a small trading day of two books over
 * two stages (buys, then one book selling SPY while the other buys it: opposite directions on one symbol),
 * with simulated crashes at random step boundaries of executePlan, random broker failures, partial and
 * delayed fills. Every crashed or failed step is re-run with the same input until it completes (steps are
 * interleaved at random, so a book may find a symbol leased by the other's crashed attempt). Then:
 * exactly one broker order per client order id, every fill recorded once and applied once, each book's cash
 * and positions equal to its fills, and all books together equal to the broker's positions and cash.
 */
import {
  type BookId,
  BrokerUnavailableError,
  D,
  isSimulatedCrash,
  RateLimitedError,
  SymbolBusyError,
  strQty,
} from '@ensemble/core';
import { allPages } from '@ensemble/ledger';
import { MEMORY_ENDPOINT } from '@ensemble/ledger/testing';
import { describe, expect, it } from 'vitest';
import { executePlan } from './execute.ts';
import { type FaultPoint, randomFaults } from './faults.ts';
import { createRandom, type Random } from './random.ts';
import { reconcile } from './reconcile.ts';
import { BOOK_A, BOOK_B, DAY, line, makeWorld, useDynamo, type World } from './testing/index.ts';
import type { ExecuteInput } from './types.ts';

const endpoint = useDynamo();

const FULL = process.env.ENSEMBLE_FULL_TESTS === '1';
/**
 * On the memory ledger (the same repository rules as DynamoDB's, shared modules; the ledger suite runs on
 * both): 200 seeded schedules, the full set. On dynalite: a sample of 40 (seeds 1–40 crash every step
 * boundary asserted below, each at least twice), or the 200 with ENSEMBLE_FULL_TESTS=1. EXECUTION_SCHEDULES,
 * EXECUTION_DYNALITE_SCHEDULES and EXECUTION_FIRST_SEED choose others.
 */
const SAMPLE = 40;
const MEMORY_SCHEDULES = Number(process.env.EXECUTION_SCHEDULES ?? 200);
const DYNALITE_SCHEDULES = Number(process.env.EXECUTION_DYNALITE_SCHEDULES ?? (FULL ? 200 : SAMPLE));
const FIRST_SEED = Number(process.env.EXECUTION_FIRST_SEED ?? 1);
const SYMBOLS = ['SPY', 'AAPL', 'GLD'];
const CONCURRENCY = 5;

/** Counts over one run of the schedules. */
const newStats = () => ({
  schedules: 0,
  steps: 0,
  attempts: 0,
  crashes: 0,
  crashesByPoint: {} as Record<string, number>,
  brokerFaults: 0,
  symbolBusy: 0,
  partialFills: 0,
  orders: 0,
  fills: 0,
});
let stats = newStats();

interface Step {
  name: string;
  input: ExecuteInput;
}

const pick = <T>(rnd: Random, xs: readonly T[]): T => xs[rnd.int(xs.length)] as T;

/** The two stages of a schedule's day, drawn from the seed. */
const stagesOf = (w: World, rnd: Random): Step[][] => {
  const q = () => String(2 + rnd.int(8));
  const aBuys = [
    line('buy', 'SPY', String(6 + rnd.int(5))),
    ...(rnd.next() < 0.5 ? [line('buy', 'GLD', q())] : []),
  ];
  const bBuys = [line('buy', pick(rnd, ['AAPL', 'GLD']), q())];
  const aSecond = [
    line('sell', 'SPY', String(3 + rnd.int(8))),
    ...(aBuys.length > 1 ? [line('sell', 'GLD', '1')] : []),
    line('buy', 'AAPL', q()),
  ];
  const bSecond = [
    line('buy', 'SPY', q()),
    ...(rnd.next() < 0.5 ? [line('sell', bBuys[0]!.symbol, '1')] : []),
  ];
  const step = (book: BookId, stage: string, lines: ExecuteInput['lines']): Step => ({
    name: `${stage}/${book}`,
    input: w.input(book, lines, { stage, runId: `${DAY}.${stage}` }),
  });
  return [
    [step(BOOK_A, 'one', aBuys), step(BOOK_B, 'one', bBuys)],
    [step(BOOK_A, 'two', aSecond), step(BOOK_B, 'two', bSecond)],
  ];
};

/** Random broker knobs for the schedule. */
const brokerKnobs = (w: World, rnd: Random) => {
  if (rnd.next() < 0.4) {
    w.broker.faults.partialFill({ fraction: '0.5', symbol: pick(rnd, SYMBOLS), times: 1 + rnd.int(2) });
    stats.partialFills++;
  }
  if (rnd.next() < 0.5) w.broker.faults.delayFill({ polls: 1 + rnd.int(3), times: 1 + rnd.int(3) });
  const ops = ['getOrderByClientId', 'submitOrder', 'getAccount', 'getClock', 'cancelOrder'] as const;
  for (let i = rnd.int(3); i > 0; i--) {
    w.broker.faults.failNext(pick(rnd, ops), 1, rnd.next() < 0.5 ? 'unavailable' : 'rate-limited');
    stats.brokerFaults++;
  }
  if (rnd.next() < 0.25) {
    w.broker.faults.crashAfterAccept();
    stats.brokerFaults++;
  }
};

const retryable = (e: unknown): boolean => {
  if (isSimulatedCrash(e)) return true;
  if (e instanceof SymbolBusyError) {
    stats.symbolBusy++;
    return true;
  }
  return e instanceof BrokerUnavailableError || e instanceof RateLimitedError;
};

/** Run the steps of a stage, interleaved at random, re-running each after a crash until it completes. */
const runStage = async (w: World, rnd: Random, steps: Step[], crashProbability: number) => {
  const pending = [...steps];
  const faults = randomFaults(rnd, { probability: crashProbability, maxCrashes: 2 });
  let attempts = 0;
  while (pending.length > 0) {
    if (++attempts > 60) throw new Error(`no progress after 60 attempts: ${pending.map((s) => s.name)}`);
    const i = rnd.int(pending.length);
    const step = pending[i]!;
    stats.attempts++;
    try {
      await executePlan({ ...w.deps(), fault: faults }, step.input);
      pending.splice(i, 1);
      stats.steps++;
    } catch (e) {
      if (!retryable(e)) throw e;
      // A worker waiting on a busy symbol retries later (the workflow's Retry backs off).
      if (e instanceof SymbolBusyError) w.time.advance(5_000);
    }
  }
  for (const p of faults.crashes()) {
    stats.crashes++;
    stats.crashesByPoint[p] = (stats.crashesByPoint[p] ?? 0) + 1;
  }
};

/** The invariants every schedule must end with. */
const checkInvariants = async (w: World, funded: Record<string, string>) => {
  // Exactly one broker order per client order id.
  for (const [id, ids] of w.brokerOrders()) expect([id, ids.size]).toEqual([id, 1]);
  const fills = [
    ...(await allPages((o) => w.ledger.listFillsOfRun(`${DAY}.one`, o))),
    ...(await allPages((o) => w.ledger.listFillsOfRun(`${DAY}.two`, o))),
  ];
  const orders = [
    ...(await allPages((o) => w.ledger.listOrdersOfRun(`${DAY}.one`, o))),
    ...(await allPages((o) => w.ledger.listOrdersOfRun(`${DAY}.two`, o))),
  ];
  stats.orders += orders.length;
  stats.fills += fills.length;
  // Every fill applied; every order terminal, its fills summing to the broker's cumulative fill.
  expect(fills.filter((f) => f.appliedAt === undefined)).toEqual([]);
  for (const o of orders) {
    const bo = await w.broker.getOrderByClientId(o.clientOrderId);
    const mine = fills.filter((f) => f.clientOrderId === o.clientOrderId);
    const total = mine.reduce((t, f) => t.plus(f.qty), new D(0));
    expect([o.clientOrderId, o.status, strQty(total)]).toEqual([
      o.clientOrderId,
      bo ? o.status : 'REJECTED',
      bo ? strQty(new D(bo.filledQty)) : '0',
    ]);
    expect(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED']).toContain(o.status);
    expect(o.filledQty).toBe(strQty(total));
  }
  // Each book equals its funding and its fills (a fill applied twice, or not at all, shows here).
  for (const book of [BOOK_A, BOOK_B]) {
    const mine = fills.filter((f) => f.bookId === book);
    let cash = new D(funded[book] ?? '0');
    const qty = new Map<string, D>();
    for (const f of mine) {
      const sign = f.side === 'buy' ? 1 : -1;
      cash = cash.minus(new D(f.notional).times(sign)).minus(f.fee);
      qty.set(f.symbol, (qty.get(f.symbol) ?? new D(0)).plus(new D(f.qty).times(sign)));
    }
    const state = await w.ledger.getBook(book);
    expect(state.cash).toBe(strQty(cash));
    const expected = [...qty].filter(([, q]) => !q.isZero()).map(([s, q]) => [s, strQty(q)]);
    expect(state.positions.map((p) => [p.symbol, p.qty]).sort()).toEqual(expected.sort());
  }
  // All books together equal the broker.
  const unallocated = strQty(
    new D(w.startingCash).minus(Object.values(funded).reduce((t, a) => t.plus(a), new D(0))),
  );
  const rec = await reconcile({
    ledger: w.ledger,
    broker: w.broker,
    unallocatedCash: unallocated,
    tolerance: '0',
  });
  expect(rec.differences).toEqual([]);
};

/** Runs `schedules` seeded schedules, each a fresh world on `endpoint()` (a dynalite, or the memory ledger). */
const runSchedules = async (label: string, endpoint: () => string, schedules: number) => {
  stats = newStats();
  const started = Date.now();
  const runSchedule = async (seed: number) => {
    const rnd = createRandom(seed);
    // Whole shares at prices in cents: the broker's cash (rounded to cents) and the ledger's agree exactly.
    const w = await makeWorld(endpoint(), {
      nonFractionable: SYMBOLS,
      prices: { SPY: '500', AAPL: '200', GLD: '180' },
    });
    const funded = { [BOOK_A]: '12000', [BOOK_B]: '9000' };
    for (const [book, amount] of Object.entries(funded)) await w.fund(book as BookId, amount);
    brokerKnobs(w, rnd);
    const crashProbability = 0.02 + rnd.next() * 0.04;
    try {
      for (const stage of stagesOf(w, rnd)) await runStage(w, rnd, stage, crashProbability);
      await checkInvariants(w, funded);
    } catch (e) {
      throw new Error(`schedule seed ${seed} failed: ${(e as Error).message}`, { cause: e });
    }
    stats.schedules++;
  };
  // Schedules are independent worlds (own table, own broker): run a few at once to overlap I/O waits.
  const seeds = Array.from({ length: schedules }, (_, i) => FIRST_SEED + i);
  for (let i = 0; i < seeds.length; i += CONCURRENCY) {
    await Promise.all(seeds.slice(i, i + CONCURRENCY).map(runSchedule));
  }
  console.log(`[execution acceptance, ${label}] ${JSON.stringify({ ...stats, ms: Date.now() - started })}`);
  // Every step boundary was crashed at least once over the run.
  const hit = Object.keys(stats.crashesByPoint) as FaultPoint[];
  expect(stats.schedules).toBe(schedules);
  if (schedules >= 200 || (FIRST_SEED === 1 && schedules >= SAMPLE)) {
    for (const p of [
      'before-intent',
      'after-intent',
      'before-submit',
      'after-submit',
      'after-fill-record',
      'before-apply',
      'after-apply',
      'after-status',
      'mid-sells',
      'mid-buys',
    ] as const) {
      expect(hit).toContain(p);
    }
  }
};

describe('executePlan under randomized crash schedules', () => {
  it(
    `completes exactly once under ${MEMORY_SCHEDULES} seeded schedules on the memory ledger`,
    {
      timeout: 600_000,
    },
    () => runSchedules('memory', () => MEMORY_ENDPOINT, MEMORY_SCHEDULES),
  );

  it(
    `completes exactly once under ${DYNALITE_SCHEDULES} seeded schedules on dynalite`,
    {
      timeout: 600_000,
    },
    () => runSchedules('dynalite', endpoint, DYNALITE_SCHEDULES),
  );
});
