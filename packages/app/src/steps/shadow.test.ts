/**
 * Shadow mode, step by step (the workflow's order, driven in-process by `driveDay`) on dynalite, the
 * SimBroker and the bundled data: one aggregated strategy with `shadow: per-book` (kmlm-switcher) and one
 * `mode: shadow` strategy (trial, on holy_grail.clj), then the promotion playbook of docs/shadow.md.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type LoadedConfig, type LoadedStrategy, loadConfig } from '@ensemble/config';
import { bookOf, D, type PerformanceReport, POOL_BOOK, SimulatedCrash } from '@ensemble/core';
import { reconcile, unallocatedFromTransfers } from '@ensemble/execution';
import { allPages, type BookId, type LedgerRepository } from '@ensemble/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportKeys } from '../report/daily-report.ts';
import { createMemoryReportStore } from '../report/report-store.ts';
import { paperAccountId } from '../shadow/paper-broker.ts';
import {
  type DayResult,
  DEFAULT_CONFIG,
  driveDay,
  startWorld,
  stepsOf,
  type World,
} from '../testing/world.ts';

const [D1, D2, D3, D4, D5] = ['2025-11-24', '2025-11-25', '2025-11-26', '2025-11-28', '2025-12-01'];
const KMLM = 'kmlm-switcher';
const TRIAL = 'trial';

/**
 * The default config with tqqq-ftlt-2 at 0.043 (room for trial's promotion: 0.1 of an equity that grows),
 * kmlm-switcher shadowed per-book, and trial on paper.
 */
const shadowConfig = async (dir: string): Promise<LoadedConfig> => {
  await cp(dirname(DEFAULT_CONFIG), dir, { recursive: true });
  const path = join(dir, 'ensemble.config.yaml');
  const text = (await readFile(path, 'utf8'))
    .replace('allocation: 0.193', 'allocation: 0.043')
    .replace(
      `id: ${KMLM}\n    file: kmlm_switcher.clj\n    allocation: 0.052\n    flow: aggregated\n`,
      (m) => `${m}    shadow: per-book\n`,
    )
    .concat(
      `  - id: ${TRIAL}\n    file: holy_grail.clj\n    allocation: 0.1\n    flow: per-book\n    mode: shadow\n`,
    );
  await writeFile(path, text);
  return loadConfig(path);
};

/** `config` with some strategies changed (`shadow: undefined` removes a strategy's shadow). */
const withChanges = (
  config: LoadedConfig,
  changes: Record<string, Partial<LoadedStrategy>>,
): LoadedConfig => ({
  ...config,
  strategies: config.strategies.map((s) => ({ ...s, ...changes[s.id] })),
});

/** A scope's books: each book's cash and positions, and the totals (cash; shares per symbol). */
const booksOf = async (ledger: LedgerRepository) => {
  const cash = await allPages((o) => ledger.listCashBalances(o));
  const positions = await allPages((o) => ledger.listAllPositions(o));
  const shares = new Map<string, D>();
  for (const p of positions) shares.set(p.symbol, (shares.get(p.symbol) ?? new D(0)).plus(p.qty));
  return {
    cash: Object.fromEntries(cash.map((c) => [c.bookId, c.cash])),
    positions: positions.map((p) => `${p.bookId}:${p.symbol}:${p.qty}`).sort(),
    totalCash: cash.reduce((a, c) => a.plus(c.cash), new D(0)).toFixed(),
    totalShares: Object.fromEntries([...shares].map(([s, q]) => [s, q.toFixed()]).sort()),
  };
};

/** Everything a day wrote in a scope, to compare before and after re-runs. */
const scopeState = async (ledger: LedgerRepository, runId: string, day: string) => ({
  orders: (await allPages((o) => ledger.listOrdersOfRun(runId, o)))
    .map((o) => `${o.clientOrderId}:${o.status}:${o.filledQty}`)
    .sort(),
  fills: (await allPages((o) => ledger.listFillsOfRun(runId, o))).map((f) => f.fillId).sort(),
  signals: (await allPages((o) => ledger.listSignalsOfRun(runId, o))).map((s) => s.strategyId).sort(),
  strategyRuns: (await allPages((o) => ledger.listStrategyRunsOfRun(runId, o)))
    .map((s) => `${s.strategyId}:${s.flow}:${s.outcome}`)
    .sort(),
  navs: (await allPages((o) => ledger.listNavOfDay(day, o))).map((n) => `${n.bookId}:${n.nav}`).sort(),
  plans: (await allPages((o) => ledger.listTransferPlans(o))).map((p) => p.planId).sort(),
  books: await booksOf(ledger),
});

describe('shadow mode, step by step', () => {
  let world: World;
  let dir: string;
  let config: LoadedConfig;
  let day1: DayResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ensemble-shadow-'));
    config = await shadowConfig(dir);
    world = await startWorld({ config });
    world.setDay(D1);
    day1 = await driveDay(stepsOf(world), D1);
  });
  afterAll(async () => {
    await world?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('funds and trades the paper books in the shadow scope, values them, and production never sees them', async () => {
    const runId = `${D1}.local`;
    // PrepareRun: trial is no Map item and gets no capital; the shadow states run, funded from the equity.
    expect(day1.prepare.items.map((i) => i.strategyId)).not.toContain(TRIAL);
    expect(day1.prepare).toMatchObject({ hasShadows: true, shadows: { equity: '100000', items: [] } });
    expect(day1.shadows?.items).toEqual([
      { bookId: bookOf(KMLM), outcome: 'TRADED', orders: expect.any(Number), filled: expect.any(Number) },
      { bookId: bookOf(TRIAL), outcome: 'TRADED', orders: expect.any(Number), filled: expect.any(Number) },
    ]);
    expect(day1.finalize).toMatchObject({
      status: 'SUCCEEDED',
      reconciliation: { ok: true, differences: 0 },
    });

    // The shadow scope: funded at allocation × equity, traded on the paper broker, valued at the close.
    const shadow = world.shadowLedger;
    expect((await shadow.getFlowState()).flows).toEqual({ [KMLM]: 'per-book', [TRIAL]: 'per-book' });
    const funding = await allPages((o) => shadow.listTransfers(o));
    expect(funding.map((t) => `${t.to}:${t.amount}`).sort()).toEqual([
      `${bookOf(KMLM)}:5200`,
      `${bookOf(TRIAL)}:10000`,
    ]);
    const paper = await scopeState(shadow, runId, D1);
    expect(paper.navs.map((n) => n.split(':')[0]).sort()).toEqual([bookOf(KMLM), bookOf(TRIAL)].sort());
    const paperOrders = await allPages((o) => shadow.listOrdersOfRun(runId, o));
    expect(paperOrders.length).toBeGreaterThan(0);
    for (const o of paperOrders) {
      expect(o.status).toBe('FILLED');
      // Filled by the paper broker (its account in the shadow scope), never by the account's broker.
      expect(await world.broker.getOrderByClientId(o.clientOrderId)).toBeNull();
    }
    expect(paper.signals).toEqual([KMLM, TRIAL]);
    expect(await shadow.getPaperAccount(paperAccountId(runId, bookOf(TRIAL)))).not.toBeNull();

    // Production: no trial anywhere; its NAVs are its own books; reconciliation is OK against the broker.
    const production = await scopeState(world.ledger, runId, D1);
    const perBook = config.strategies.filter((s) => s.mode === 'live' && s.flow === 'per-book');
    expect(production.navs.map((n) => n.split(':')[0]).sort()).toEqual(
      [...perBook.map((s) => bookOf(s.id)), POOL_BOOK].sort(),
    );
    expect(JSON.stringify(production)).not.toContain(TRIAL);
    const brokerOrders = await Promise.all(
      (await allPages((o) => world.ledger.listOrdersOfRun(runId, o))).map((o) =>
        world.broker.getOrderByClientId(o.clientOrderId),
      ),
    );
    expect(brokerOrders.every((o) => o !== null && !o.clientOrderId.includes(`s-${TRIAL}_`))).toBe(true);
    const report = await reconcile({
      ledger: world.ledger,
      broker: world.broker,
      unallocatedCash: await unallocatedFromTransfers(world.ledger, config.account.startingCash),
    });
    expect(report).toMatchObject({ ok: true, differences: [] });
    // The paper books hold shares and cash no production query sees (had they counted, nothing would add up).
    expect(paper.books.positions.length).toBeGreaterThan(0);
    expect(Object.keys(production.books.cash)).not.toContain(bookOf(TRIAL));

    // The day's comparison in Finalize's output (the notification's data).
    expect(day1.finalize?.shadows).toEqual([
      expect.objectContaining({
        strategyId: KMLM,
        mode: 'live',
        flow: 'per-book',
        outcome: 'TRADED',
        productionNav: expect.any(String),
        trackingDifferencePct: expect.any(String),
      }),
      expect.objectContaining({
        strategyId: TRIAL,
        mode: 'shadow',
        flow: 'per-book',
        nav: expect.any(String),
        productionNav: null,
        trackingDifferencePct: null,
      }),
    ]);
  });

  it('a crash right after a paper order reached the paper broker, then the same call again, places it once', async () => {
    // Arrange: on D2 the first paper book to trade crashes once, right after its first paper order was
    // accepted; the step is then called again with the same input (as a retry or a redrive would).
    world.setDay(D2);
    let crashes = 0;
    let crashed = '';
    const clean = stepsOf(world);
    const crashing = stepsOf(world, {
      fault: ({ step, strategyId, point }) => {
        if (step === 'shadow' && point === 'after-submit' && crashes === 0) {
          crashes++;
          crashed = strategyId;
          throw new SimulatedCrash('after-submit');
        }
      },
    });
    let again: { outcome: string; orders: number; filled: number } | undefined;
    const steps = {
      ...crashing,
      Shadow: async (input: unknown) => {
        try {
          return await crashing.Shadow(input);
        } catch (e) {
          expect(e).toBeInstanceOf(SimulatedCrash);
          again = (await clean.Shadow(input)) as typeof again;
          return again;
        }
      },
    };
    // Act
    const day2 = await driveDay(steps, D2);
    // Assert: the crash stayed in shadow mode; the same call then completed the paper book, each order once.
    expect(crashes).toBe(1);
    expect(day2.finalize).toMatchObject({ status: 'SUCCEEDED', reconciliation: { ok: true } });
    expect(again).toMatchObject({ outcome: 'TRADED' });
    expect(again?.filled).toBe(again?.orders);
    const runId = `${D2}.local`;
    const orders = (await allPages((o) => world.shadowLedger.listOrdersOfRun(runId, o))).filter(
      (o) => o.bookId === bookOf(crashed),
    );
    expect(orders).toHaveLength(again?.orders ?? -1);
    for (const o of orders) expect(o.status).toBe('FILLED');
    const account = await world.shadowLedger.getPaperAccount(paperAccountId(runId, bookOf(crashed)));
    const held = JSON.parse(account?.state ?? '{}') as { positions: Record<string, { qty: string }> };
    const book = await world.shadowLedger.getBook(bookOf(crashed));
    // The paper account and the paper book agree share for share: no order was filled twice.
    expect(Object.fromEntries(book.positions.map((p) => [p.symbol, new D(p.qty).toFixed()]))).toEqual(
      Object.fromEntries(
        Object.entries(held.positions)
          .filter(([, p]) => !new D(p.qty).isZero())
          .map(([s, p]) => [s, new D(p.qty).toFixed()]),
      ),
    );
  });

  it('re-running each shadow step with the same input duplicates nothing; a finished day is not traded on paper', async () => {
    // Arrange: on D3 every shadow step runs twice in a row (a retry after the work was done).
    world.setDay(D3);
    const runId = `${D3}.local`;
    const once = stepsOf(world);
    const twice = {
      ...once,
      PrepareShadows: async (input: unknown) => {
        const first = await once.PrepareShadows(input);
        const state = await scopeState(world.shadowLedger, runId, D3);
        expect(await once.PrepareShadows(input)).toEqual(first);
        expect(await scopeState(world.shadowLedger, runId, D3)).toEqual(state);
        return first;
      },
      Shadow: async (input: unknown) => {
        const first = await once.Shadow(input);
        const state = await scopeState(world.shadowLedger, runId, D3);
        expect(await once.Shadow(input)).toEqual(first);
        expect(await scopeState(world.shadowLedger, runId, D3)).toEqual(state);
        return first;
      },
    };
    // Act
    const day3 = await driveDay(twice, D3);
    const late = day3.calls.find((c) => c.task === 'Shadow')?.input;
    // Assert
    expect(day3.shadows?.items.map((i) => i.outcome)).toEqual([
      expect.stringMatching(/TRADED|ALL_HOLD/),
      expect.stringMatching(/TRADED|ALL_HOLD/),
    ]);
    await expect(once.Shadow(late)).rejects.toMatchObject({ name: 'RunNotActiveError' });
  });

  it('promotes: the aggregated strategy to its own book (carved out to the cent) with its paper pool version, and the paper strategy to live', async () => {
    // Arrange: D4's config. kmlm-switcher per-book with shadow: aggregated; trial live, per-book, with shadow: aggregated.
    world.setDay(D4);
    const promoted = withChanges(config, {
      [KMLM]: { flow: 'per-book', shadow: 'aggregated' },
      [TRIAL]: { mode: 'live', shadow: 'aggregated' },
    });
    const poolAndKmlm = async (ledger: LedgerRepository) => {
      const books = await Promise.all([POOL_BOOK, bookOf(KMLM)].map((b) => ledger.getBook(b as BookId)));
      const shares = new Map<string, D>();
      for (const b of books)
        for (const p of b.positions) shares.set(p.symbol, (shares.get(p.symbol) ?? new D(0)).plus(p.qty));
      return {
        cash: books.reduce((a, b) => a.plus(b.cash), new D(0)).toFixed(2),
        shares: Object.fromEntries([...shares].map(([s, q]) => [s, q.toFixed()]).sort()),
      };
    };
    const before = await poolAndKmlm(world.ledger);
    const paperBefore = await booksOf(world.shadowLedger);
    const kmlmPaperNavs = (await allPages((o) => world.shadowLedger.listNav(bookOf(KMLM), o))).length;
    const steps = stepsOf(world, { config: promoted });
    // Act: PrepareRun flips kmlm (and funds trial), before anything trades; then the whole day.
    const prepared = await steps.PrepareRun({
      input: { tradingDay: D4 },
      execution: { id: 'e4', name: 'e4' },
    });
    const afterFlip = await poolAndKmlm(world.ledger);
    const day4 = await driveDay(steps, D4);
    // Assert: production's carve-out moved the pool's kmlm slice into kmlm's book by ledger transfers:
    // the two books' cash to the cent and every symbol's shares exactly as before. No broker order.
    expect(prepared).toMatchObject({ action: 'TRADE' });
    expect(afterFlip).toEqual(before);
    const flips = await allPages((o) => world.ledger.listTransferPlans({ ...o, from: D4, to: D4 }));
    expect(flips.map((p) => [p.kind, p.strategyId ?? null])).toEqual(
      expect.arrayContaining([
        ['flip', KMLM],
        ['funding', null],
      ]),
    );
    expect(day4.finalize).toMatchObject({
      status: 'SUCCEEDED',
      reconciliation: { ok: true, differences: 0 },
    });
    expect(day4.prepare.items).toEqual(
      expect.arrayContaining([
        { strategyId: KMLM, flow: 'per-book' },
        { strategyId: TRIAL, flow: 'per-book' },
      ]),
    );
    // Paper side: both paper books were merged into the paper pool (totals unchanged), which traded;
    // kmlm's paper per-book history stays readable.
    const paperFlow = await world.shadowLedger.getFlowState();
    expect(paperFlow.flows).toEqual({ [KMLM]: 'aggregated', [TRIAL]: 'aggregated' });
    expect(Object.keys(paperFlow.poolShares).sort()).toEqual([KMLM, TRIAL]);
    const paperFlips = await allPages((o) =>
      world.shadowLedger.listTransferPlans({ ...o, from: D4, to: D4 }),
    );
    expect(paperFlips.map((p) => p.kind)).toEqual(['flip', 'flip']);
    expect(day4.shadows?.items).toEqual([
      {
        bookId: POOL_BOOK,
        outcome: expect.stringMatching(/TRADED|ALL_HOLD/),
        orders: expect.any(Number),
        filled: expect.any(Number),
      },
    ]);
    expect(new D(paperBefore.totalCash).gt(0)).toBe(true);
    expect((await allPages((o) => world.shadowLedger.listNav(bookOf(KMLM), o))).length).toBe(kmlmPaperNavs);
    expect(day4.finalize?.shadows?.map((s) => [s.strategyId, s.mode, s.flow])).toEqual([
      [KMLM, 'live', 'aggregated'],
      [TRIAL, 'live', 'aggregated'],
    ]);
  });

  it('then per-book alone: a strategy no longer shadowed leaves the paper pool, which trades on for the others', async () => {
    // Arrange: D5, kmlm-switcher without shadow.
    world.setDay(D5);
    const alone = withChanges(config, {
      [KMLM]: { flow: 'per-book', shadow: undefined },
      [TRIAL]: { mode: 'live', shadow: 'aggregated' },
    });
    // Act
    const reports = createMemoryReportStore();
    const day5 = await driveDay(stepsOf(world, { config: alone, ports: { reports } }), D5);
    // Assert: carved out of the paper pool into its paper book (left as it is); the pool is trial's alone.
    expect(day5.finalize).toMatchObject({ status: 'SUCCEEDED', reconciliation: { ok: true } });
    const paperFlow = await world.shadowLedger.getFlowState();
    expect(paperFlow.poolShares).toEqual({ [TRIAL]: '1' });
    expect(paperFlow.flows[KMLM]).toBe('per-book');
    expect(day5.shadows?.items.map((i) => i.bookId)).toEqual([POOL_BOOK]);
    const kmlmPaper = await world.shadowLedger.getBook(bookOf(KMLM));
    expect(kmlmPaper.positions.length + Number(new D(kmlmPaper.cash).gt(0))).toBeGreaterThan(0);
    expect((await world.shadowLedger.listOrdersOfBook(bookOf(KMLM), { from: D5, to: D5 })).data).toEqual([]);
    expect(day5.finalize?.shadows?.map((s) => s.strategyId)).toEqual([TRIAL]);
    // The daily report Finalize wrote lists both paper histories beside production, from the shadow scope:
    // kmlm-switcher's paper book (kept, no longer traded) and trial's paper series.
    const report: PerformanceReport = JSON.parse(reports.objects.get(reportKeys(D5).json)!.body);
    expect(report.shadows?.map((x) => [x.id, x.mode])).toEqual([
      [KMLM, 'live'],
      [TRIAL, 'live'],
    ]);
    const kmlmNavs = await allPages((o) => world.shadowLedger.listNav(bookOf(KMLM), o));
    const kmlmShadow = report.shadows!.find((x) => x.id === KMLM)!;
    expect(kmlmShadow.flow).toBe('per-book');
    // Its own paper book's NAVs, then (D4) its share of the paper pool it was shadowed in.
    expect(kmlmShadow.paper.equity.slice(0, kmlmNavs.length)).toEqual(kmlmNavs.map((n) => [n.day, n.nav]));
    expect(kmlmShadow.paper.equity.map(([day]) => day)).toContain(D4);
    expect(kmlmShadow.trackingDifference).toEqual(expect.any(Number));
  });
});
