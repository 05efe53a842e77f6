/**
 * The report of one run, read back from the ledger (the single source of truth), as data for `--json` and
 * as text for people. Shape is part of the CLI contract: `runId`, `tradingDay`, `strategies[]` with
 * `{id, flow, outcome, error?, orders[]}`, and `reconciliation: {ok, differences}`.
 */

import { allPages, type BookId, type LedgerRepository, type Nav, type Order } from '@ensemble/ledger';
import { Decimal } from 'decimal.js';

export interface ReportOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly status: string;
  readonly requestedQty: string | null;
  readonly filledQty: string;
  readonly filledNotional: string;
}

export interface ReportBook {
  readonly bookId: string;
  readonly nav: string;
  readonly cash: string;
  /** NAV change since the previous recorded day, net of transfers in/out; null on the first day. */
  readonly dayPnl: string | null;
}

export interface ReportStrategy {
  readonly id: string;
  readonly flow: string;
  readonly outcome: string;
  readonly error?: { name: string; message: string };
  readonly orders: ReportOrder[];
  readonly book: ReportBook | null;
}

export interface ReconciliationDifference {
  readonly symbol: string;
  readonly ledger: string;
  readonly broker: string;
  readonly diff: string;
}

/**
 * The book of a strategy that is not enabled any more but still holds shares or cash: nothing manages it
 * (no run plans it), so it is shown, valued, with the ways out (`ensemble liquidate`, or re-enabling it
 * with `flow: aggregated` to merge it into the pool).
 */
export interface OrphanedBook {
  readonly strategyId: string;
  readonly bookId: string;
  readonly cash: string;
  readonly positions: { symbol: string; qty: string }[];
  /** The book's NAV on the report's day, when the day recorded one. */
  readonly nav: string | null;
}

export interface RunReport {
  readonly runId: string;
  readonly tradingDay: string;
  readonly stage: string;
  readonly status: string;
  readonly executionName: string | null;
  readonly killSwitch: { enabled: boolean; reason: string };
  readonly strategies: ReportStrategy[];
  readonly pool: { members: string[]; orders: ReportOrder[]; book: ReportBook | null } | null;
  /** `error`: the broker could not be read (an outage), so nothing was compared (`ok` false). */
  readonly reconciliation: { ok: boolean; differences: ReconciliationDifference[]; error?: string };
  /** Books of strategies not enabled now that still hold something (present when the caller named them). */
  readonly orphans?: OrphanedBook[];
  readonly elapsedMs?: number;
}

/** The books of strategies not in `enabled` that hold shares or cash, valued on `day` (see {@link OrphanedBook}). */
export async function orphanedBooks(
  ledger: LedgerRepository,
  enabled: ReadonlySet<string>,
  day: string,
): Promise<OrphanedBook[]> {
  const [positions, cash] = await Promise.all([
    allPages((o) => ledger.listAllPositions(o)),
    allPages((o) => ledger.listCashBalances(o)),
  ]);
  const books = new Set<string>();
  for (const p of positions) if (!new Decimal(p.qty).isZero()) books.add(p.bookId);
  for (const c of cash) if (!new Decimal(c.cash).isZero()) books.add(c.bookId);
  const out: OrphanedBook[] = [];
  for (const bookId of [...books].sort()) {
    if (!bookId.startsWith('strategy#')) continue;
    const strategyId = bookId.slice('strategy#'.length);
    if (enabled.has(strategyId)) continue;
    const nav = await bookOfDay(ledger, bookId as BookId, day);
    out.push({
      strategyId,
      bookId,
      cash: cash.find((c) => c.bookId === bookId)?.cash ?? '0',
      positions: positions
        .filter((p) => p.bookId === bookId && !new Decimal(p.qty).isZero())
        .map((p) => ({ symbol: p.symbol, qty: p.qty })),
      nav: nav?.nav ?? null,
    });
  }
  return out;
}

const toReportOrder = (o: Order): ReportOrder => ({
  clientOrderId: o.clientOrderId,
  symbol: o.symbol,
  side: o.side,
  status: o.status,
  requestedQty: o.requestedQty ?? null,
  filledQty: o.filledQty,
  filledNotional: o.filledNotional,
});

async function bookOfDay(ledger: LedgerRepository, bookId: BookId, day: string): Promise<ReportBook | null> {
  const series: Nav[] = await allPages((o) => ledger.listNav(bookId, { ...o, to: day }));
  const today = series.find((n) => n.day === day);
  if (!today) return null;
  const before = series.filter((n) => n.day < day).at(-1);
  const dayPnl = before
    ? new Decimal(today.nav).minus(before.nav).minus(today.flowsIn).plus(today.flowsOut).toFixed(2)
    : null;
  return { bookId, nav: today.nav, cash: today.cash, dayPnl };
}

/** Build the report of `runId` from the ledger, with the reconciliation computed by the caller. */
export async function buildReport(
  ledger: LedgerRepository,
  runId: string,
  reconciliation: RunReport['reconciliation'],
  extra: { executionName?: string | null; elapsedMs?: number; enabled?: ReadonlySet<string> } = {},
): Promise<RunReport> {
  const run = await ledger.getRun(runId);
  if (!run) {
    // PrepareRun skipped the day before creating a run (a closed market): nothing traded.
    const killSwitch = await ledger.getKillSwitch();
    return {
      runId,
      tradingDay: runId.slice(0, 10),
      stage: runId.slice(11),
      status: 'SKIPPED',
      executionName: extra.executionName ?? null,
      killSwitch: { enabled: killSwitch.enabled, reason: killSwitch.reason },
      strategies: [],
      pool: null,
      reconciliation,
      ...(extra.elapsedMs === undefined ? {} : { elapsedMs: Math.round(extra.elapsedMs) }),
    };
  }
  const [strategyRuns, orders, killSwitch] = await Promise.all([
    allPages((o) => ledger.listStrategyRunsOfRun(runId, o)),
    allPages((o) => ledger.listOrdersOfRun(runId, o)),
    ledger.getKillSwitch(),
  ]);
  const ordersOf = (bookId: string) =>
    orders
      .filter((o) => o.bookId === bookId)
      .sort((a, b) => a.clientOrderId.localeCompare(b.clientOrderId))
      .map(toReportOrder);
  const strategies: ReportStrategy[] = [];
  for (const s of [...strategyRuns].sort((a, b) => a.strategyId.localeCompare(b.strategyId))) {
    const bookId: BookId = `strategy#${s.strategyId}`;
    strategies.push({
      id: s.strategyId,
      flow: s.flow,
      outcome: s.outcome,
      ...(s.error ? { error: s.error } : {}),
      orders: s.flow === 'per-book' ? ordersOf(bookId) : [],
      book: s.flow === 'per-book' ? await bookOfDay(ledger, bookId, run.tradingDay) : null,
    });
  }
  const members = strategies.filter((s) => s.flow === 'aggregated').map((s) => s.id);
  const poolOrders = ordersOf('pool');
  const poolBook = await bookOfDay(ledger, 'pool', run.tradingDay);
  const orphans = extra.enabled ? await orphanedBooks(ledger, extra.enabled, run.tradingDay) : undefined;
  return {
    runId,
    tradingDay: run.tradingDay,
    stage: run.stage,
    status: run.status,
    executionName: extra.executionName ?? null,
    killSwitch: { enabled: killSwitch.enabled, reason: killSwitch.reason },
    strategies,
    pool:
      members.length > 0 || poolOrders.length > 0 || poolBook
        ? { members, orders: poolOrders, book: poolBook }
        : null,
    reconciliation,
    ...(orphans === undefined ? {} : { orphans }),
    ...(extra.elapsedMs === undefined ? {} : { elapsedMs: Math.round(extra.elapsedMs) }),
  };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const money = (s: string | null | undefined) =>
  s === null || s === undefined ? '—' : new Decimal(s).toFixed(2);
const signed = (s: string | null) =>
  s === null ? '—' : (new Decimal(s).isNegative() ? '' : '+') + new Decimal(s).toFixed(2);

function orderLine(o: ReportOrder): string {
  return `      ${pad(o.side, 4)} ${pad(o.symbol, 6)} ${lpad(new Decimal(o.filledQty).toString(), 14)} sh  $${lpad(money(o.filledNotional), 11)}  ${o.status}`;
}

/** The report as text. */
export function formatReport(r: RunReport): string[] {
  const lines: string[] = [];
  lines.push(`Run ${r.runId} — ${r.tradingDay} (${r.stage}) — ${r.status}`);
  if (r.killSwitch.enabled) lines.push(`KILL SWITCH ON: ${r.killSwitch.reason} — no orders were placed`);
  lines.push('');
  lines.push(
    `  ${pad('strategy', 26)} ${pad('flow', 10)} ${pad('outcome', 9)} ${lpad('orders', 6)} ${lpad('NAV', 12)} ${lpad('day P&L', 10)}`,
  );
  for (const s of r.strategies) {
    lines.push(
      `  ${pad(s.id, 26)} ${pad(s.flow, 10)} ${pad(s.outcome, 9)} ${lpad(String(s.orders.length), 6)} ${lpad(money(s.book?.nav), 12)} ${lpad(signed(s.book?.dayPnl ?? null), 10)}`,
    );
    if (s.error) lines.push(`      ${s.error.name}: ${s.error.message}`);
    for (const o of s.orders) lines.push(orderLine(o));
  }
  if (r.pool) {
    lines.push(
      `  ${pad('pool', 26)} ${pad('aggregated', 10)} ${pad('', 9)} ${lpad(String(r.pool.orders.length), 6)} ${lpad(money(r.pool.book?.nav), 12)} ${lpad(signed(r.pool.book?.dayPnl ?? null), 10)}`,
    );
    lines.push(`      members: ${r.pool.members.join(', ') || '(none)'}`);
    for (const o of r.pool.orders) lines.push(orderLine(o));
  }
  if (r.orphans && r.orphans.length > 0) {
    lines.push('');
    lines.push('Orphaned books — strategies no longer enabled, whose books nothing manages:');
    for (const o of r.orphans) {
      const held = o.positions.map((p) => `${p.symbol} ${new Decimal(p.qty).toString()} sh`).join(', ');
      lines.push(
        `  ${pad(o.strategyId, 26)} NAV ${lpad(money(o.nav), 12)}  cash ${money(o.cash)}${held ? `  ${held}` : ''}`,
      );
    }
    lines.push(
      '  Liquidate one (sell its shares, return its cash to the account): ensemble liquidate <strategy>; or hand it to',
    );
    lines.push(
      '  the pool: enable it again with `flow: aggregated` (its book merges into the pool, no orders).',
    );
  }
  lines.push('');
  if (r.reconciliation.error !== undefined)
    lines.push(`Reconciliation: not done — the broker could not be read (${r.reconciliation.error})`);
  else if (r.reconciliation.ok)
    lines.push('Reconciliation: OK — the sum of the books equals the broker account');
  else {
    lines.push(`Reconciliation: ${r.reconciliation.differences.length} difference(s)`);
    for (const d of r.reconciliation.differences)
      lines.push(`  ${pad(d.symbol, 8)} ledger ${d.ledger}  broker ${d.broker}  diff ${d.diff}`);
  }
  if (r.elapsedMs !== undefined) lines.push(`Elapsed: ${(r.elapsedMs / 1000).toFixed(2)} s`);
  return lines;
}
