/**
 * Acceptance of the backtest (issue 14): it trades on the live code path. Ten sessions through the real
 * `ensemble run --days 10` (the real CLI, the embedded database, the ASL interpreter running the one
 * definition) and the backtest of the same sessions and config (range-mode signals recorded up front, the
 * memory ledger, the steps driven in process) must leave the same ledger: every book's NAV to the cent (to
 * the last digit, in fact) every day, the same signals, plans, orders, fills, strategy outcomes, transfers
 * and pool attributions. Also through `ensemble backtest --json`: its per-book strategies' and the pool's
 * equity are the live books' NAVs, and its account is their sum.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBacktest } from '@ensemble/app';
import { loadConfig } from '@ensemble/config';
import { previousSession } from '@ensemble/core';
import { allPages, createLedger, type LedgerRepository } from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { createBundledMarketData, readBundledManifest } from '@ensemble/market-data';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestBroker } from '../../packages/cli/src/backtest/broker.ts';
import { REPO_ROOT, runCli, strategiesWith, tempDirs } from '../support/cli.ts';

const DAYS = 10;
const CONFIG = join(REPO_ROOT, 'strategies/ensemble.config.yaml');

const dirs = tempDirs('ensemble-parity-');
afterAll(dirs.cleanup);

/** A copy of the default strategies folder whose config's account has `fills` (a YAML line). */
const withFills = async (dir: string, fills: string): Promise<string> => {
  const text = await readFile(CONFIG, 'utf8');
  const changed = text.replace(/^account:\n/m, `account:\n${fills}`);
  if (changed === text) throw new Error('the default config has no account: section');
  return strategiesWith(dir, { 'ensemble.config.yaml': changed });
};

/** A NAV record: day, cash, positions value, NAV, flows in, flows out. */
type NavRow = readonly [string, string, string, string, string, string];

/** Everything a range of runs recorded, without timestamps and broker order ids (which differ by nature). */
const recorded = async (ledger: LedgerRepository, sessions: readonly string[]) => {
  const runs = sessions.map((d) => `${d}.local`);
  const perRun = async <T>(list: (runId: string) => Promise<T[]>) =>
    (await Promise.all(runs.map(list))).flat();
  const pages =
    <T>(
      f: (
        runId: string,
        o: { cursor?: string | null; limit?: number },
      ) => Promise<{ data: T[]; cursor: string | null }>,
    ) =>
    (runId: string) =>
      allPages((o) => f(runId, o));
  const books = [...new Set((await allPages((o) => ledger.listCashBalances(o))).map((c) => c.bookId))].sort();
  return {
    runs: (await allPages((o) => ledger.listRuns(o))).map((r) => [r.runId, r.status, r.flows, r.equity]),
    signals: (await perRun(pages((r, o) => ledger.listSignalsOfRun(r, o)))).map((s) => [
      s.runId,
      s.strategyId,
      s.weights,
    ]),
    plans: (await perRun(pages((r, o) => ledger.listPlansOfRun(r, o)))).map((p) => [
      p.runId,
      p.bookId,
      p.orders,
    ]),
    strategyRuns: (await perRun(pages((r, o) => ledger.listStrategyRunsOfRun(r, o)))).map((s) => [
      s.runId,
      s.strategyId,
      s.flow,
      s.outcome,
      s.error,
    ]),
    attributions: (await perRun(pages((r, o) => ledger.listPoolAttributionsOfRun(r, o)))).map((a) => {
      const { recordedAt: _at, ...rest } = a;
      return rest;
    }),
    orders: (await perRun(pages((r, o) => ledger.listOrdersOfRun(r, o)))).map((o) => [
      o.clientOrderId,
      o.bookId,
      o.symbol,
      o.side,
      o.requestedQty,
      o.requestedNotional,
      o.status,
      o.filledQty,
      o.filledNotional,
      o.statusHistory.map((h) => `${h.status}${h.reason ? `: ${h.reason}` : ''}`),
    ]),
    fills: (await perRun(pages((r, o) => ledger.listFillsOfRun(r, o)))).map((f) => [
      f.fillId,
      f.bookId,
      f.symbol,
      f.side,
      f.qty,
      f.price,
      f.notional,
      f.fee,
      f.appliedAt !== undefined,
    ]),
    transfers: (await allPages((o) => ledger.listTransfers(o))).map((t) => {
      const { recordedAt: _r, appliedAt: _a, ...rest } = t;
      return rest;
    }),
    navs: Object.fromEntries(
      await Promise.all(
        books.map(
          async (b): Promise<[string, NavRow[]]> => [
            b,
            (await allPages((o) => ledger.listNav(b, o))).map(
              (n): NavRow => [n.day, n.cash, n.positionsValue, n.nav, n.flowsIn, n.flowsOut],
            ),
          ],
        ),
      ),
    ),
    books: await Promise.all(books.map((b) => ledger.getBook(b))),
  };
};

describe.each([
  ['the default config', ''],
  // Slippage and fees are applied by the simulated broker, so a local day and its backtest pay the same.
  ['the default config with slippage and fees', '  simulatedFills: { slippageBps: 5, feeBps: 2 }\n'],
])('the backtest trades as ensemble run does: %s', (_, fills) => {
  let sessions: string[];
  let live: Awaited<ReturnType<typeof recorded>>;
  let config: string;

  beforeAll(async () => {
    // Arrange: ten sessions of `ensemble run` in a fresh home (the ten ending at the last bundled one).
    config = fills === '' ? CONFIG : await withFills(await dirs.make(), fills);
    const home = await dirs.make();
    const run = await runCli(['run', '--json', '--home', home, '--days', String(DAYS), '--config', config]);
    expect(run.code, run.err.join('\n')).toBe(0);
    sessions = run.out.map((l) => (JSON.parse(l) as { tradingDay: string }).tradingDay);
    const db = await startEmbeddedDynamo({ path: join(home, 'db') });
    const client = createLocalDynamoClient(db.endpoint);
    try {
      live = await recorded(createLedger({ table: 'ensemble', client }), sessions);
    } finally {
      client.destroy();
      await db.stop();
    }
  }, DAYS * 30_000);

  it('records the same ledger, NAV by NAV and fill by fill', async () => {
    // Act: the backtest of the same sessions, in the local stage (so run ids and client order ids match).
    const manifest = await readBundledManifest();
    expect(sessions.at(-1)).toBe(manifest.symbols.SPY?.last);
    expect(sessions).toHaveLength(DAYS);
    const loaded = await loadConfig(config);
    const symbols = [...new Set([...loaded.strategies.flatMap((s) => s.requirements.symbols), 'SPY'])];
    const result = await runBacktest({
      config: loaded,
      bars: await createBundledMarketData().loadBars({ symbols }),
      from: sessions[0]!,
      to: sessions.at(-1)!,
      stage: 'local',
      broker: backtestBroker,
    });
    const backtest = await recorded(result.ledger, sessions);
    // Assert
    expect(result.sessions.map((s) => s.day)).toEqual(sessions);
    expect(live.fills.length).toBeGreaterThan(20);
    expect(Object.keys(live.navs).length).toBeGreaterThan(5);
    for (const key of Object.keys(live) as (keyof typeof live)[])
      expect(backtest[key], key).toEqual(live[key]);
  }, 120_000);

  it('reports those NAVs through ensemble backtest --json', async () => {
    // Act
    const run = await runCli([
      'backtest',
      '--json',
      '--from',
      sessions[0]!,
      '--to',
      sessions.at(-1)!,
      '--config',
      config,
    ]);
    // Assert
    expect(run.code, run.err.join('\n')).toBe(0);
    const report = JSON.parse(run.out.join('\n')) as {
      sessions: number;
      account: { equity: [string, string][] };
      strategies: { id: string; flow: string; equity: [string, string][] }[];
      pool: { equity: [string, string][] } | null;
    };
    expect(report.sessions).toBe(DAYS);
    const cents = (v: string) => new Decimal(v).toFixed(2);
    const navOf = (book: string) =>
      (live.navs[book] ?? []).map(([day, , , nav]) => [day, cents(String(nav))]);
    for (const s of report.strategies.filter((x) => x.flow === 'per-book')) {
      expect(
        s.equity.map(([d, v]) => [d, cents(v)]),
        s.id,
      ).toEqual(navOf(`strategy#${s.id}`));
    }
    expect(report.pool?.equity.map(([d, v]) => [d, cents(v)])).toEqual(navOf('pool'));
    const sum = sessions.map((d) => [
      d,
      cents(
        Object.values(live.navs)
          .flatMap((series) =>
            series.filter(([day]) => day === d).map(([, , , nav]) => new Decimal(String(nav))),
          )
          .reduce((a, b) => a.plus(b), new Decimal(0))
          .toFixed(),
      ),
    ]);
    expect(report.account.equity.map(([d, v]) => [d, cents(v)])).toEqual(sum);
    expect(previousSession(sessions[1]!)).toBe(sessions[0]);
    // With costs, they were paid (the fills' fees), and the same as the live day's.
    if (fills !== '') expect(live.fills.some((f) => new Decimal(String(f[7])).gt(0))).toBe(true);
  }, 60_000);
});
