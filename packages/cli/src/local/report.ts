/**
 * The report of one run, read back from the ledger (the single source of truth), as data for `--json` and
 * as text for people. Shape is part of the CLI contract: `runId`, `tradingDay`, `strategies[]` with
 * `{id, mode, flow, flip?, outcome, error?, orders[], book, shadow}`, `pool`, `account: {nav, dayPnl}`,
 * `capital: {policy, band, frequency, transfers[], books[]}`, `corporateActions[]`, `netting[]` (the day's
 * crosses between books: `{symbol, from, to, qty, amount}`) and
 * `reconciliation: {ok, differences}` (capital-report.ts says how books and day P&L are read).
 *
 * Shadow mode (docs/shadow.md): every entry has `shadow`, its paper book of the day (null when the strategy
 * has none), read from the ledger's shadow scope with `@ensemble/app`'s comparison. A `mode: shadow`
 * strategy is an entry of its own, with nothing real (`outcome: SKIPPED`, `orders: []`, `book: null`).
 */

import {
  type ComparisonOrder,
  comparisonOrderOf,
  type ShadowComparison,
  type ShadowComparisonInput,
  shadowComparison,
} from '@ensemble/app';
import type { LoadedConfig } from '@ensemble/config';
import { allPages, type BookId, type LedgerRepository, type Nav } from '@ensemble/ledger';
import { Decimal } from 'decimal.js';
import {
  dayCapital,
  type ReportAccount,
  type ReportBook,
  type ReportCapital,
  type ReportCorporateAction,
  type ReportCross,
  strategyBook,
} from './capital-report.ts';

export type {
  ReportAccount,
  ReportBook,
  ReportCapital,
  ReportCorporateAction,
  ReportCross,
} from './capital-report.ts';

/** An order as the run report shows it: the shadow comparison's shape. */
export type ReportOrder = ComparisonOrder;

/** A strategy's paper book of the day (shadow mode). */
export interface ReportShadow {
  /** The paper flow: its own paper book (`per-book`), or its share of the paper pool (`aggregated`). */
  readonly flow: string;
  readonly outcome: string;
  readonly error?: { name: string; message: string };
  /** The paper book's orders of the day, filled by the paper broker (in the pool: the paper pool's). */
  readonly orders: Omit<ReportOrder, 'requestedQty'>[];
  /** Its value at the close and the day's P&L (a pool member: its share); null without a NAV. */
  readonly book: { nav: string; dayPnl: string | null } | null;
  /** Paper cumulative return minus production's since the paper book started, in points; null if paper only. */
  readonly trackingDifferencePct: string | null;
}

export interface ReportStrategy {
  readonly id: string;
  /** `shadow`: paper only (everything real is empty); `live`: it trades. */
  readonly mode: 'live' | 'shadow';
  readonly flow: string;
  /** The flip of the strategy's flow that day, when there was one. */
  readonly flip?: { from: string; to: string };
  readonly outcome: string;
  readonly error?: { name: string; message: string };
  readonly orders: ReportOrder[];
  /** Its own book: when per-book, and on the day its flow flipped (with the P&L it made before the flip). */
  readonly book: ReportBook | null;
  readonly shadow: ReportShadow | null;
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
  /** Every book and the pool: NAV, and day P&L (the sum of the books' shown). */
  readonly account: ReportAccount;
  /** Capital policy and band, the day's capital transfers, each book's share against its target. */
  readonly capital: ReportCapital | null;
  readonly corporateActions: ReportCorporateAction[];
  /** Shares crossed between books inside the ledger today instead of at the broker (NetOrders). */
  readonly netting: ReportCross[];
  /** `error`: the broker could not be read (an outage), so nothing was compared (`ok` false). */
  readonly reconciliation: { ok: boolean; differences: ReconciliationDifference[]; error?: string };
  /** Books of strategies not enabled now that still hold something (present when the caller named them). */
  readonly orphans?: OrphanedBook[];
  readonly elapsedMs?: number;
}

/** A book's NAV record of `day` and its day P&L against the previous recorded day (or its funding). */
async function bookOfDay(ledger: LedgerRepository, bookId: BookId, day: string): Promise<ReportBook | null> {
  const series: Nav[] = await allPages((o) => ledger.listNav(bookId, { ...o, to: day }));
  const today = series.find((n) => n.day === day);
  if (!today) return null;
  const before = series.filter((n) => n.day < day).at(-1);
  // Its first day: against its funding (the day's flows in), as capital-report.ts reads every book.
  const dayPnl = new Decimal(today.nav)
    .minus(before?.nav ?? 0)
    .minus(today.flowsIn)
    .plus(today.flowsOut)
    .toFixed(2);
  return { bookId, nav: today.nav, cash: today.cash, dayPnl };
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

/** A comparison's paper side, as the report's `shadow`. */
const reportShadow = (c: ShadowComparison): ReportShadow => ({
  flow: c.shadow.flow,
  outcome: c.shadow.outcome,
  ...(c.shadow.error ? { error: c.shadow.error } : {}),
  orders: c.shadow.orders.map(({ requestedQty: _, ...o }) => o),
  book: c.shadow.nav === null ? null : { nav: c.shadow.nav, dayPnl: c.shadow.dayPnl },
  trackingDifferencePct: c.trackingDifferencePct,
});

/** What the report reads of shadow mode: the comparison's inputs other than the run. */
export type ReportShadows = Omit<ShadowComparisonInput, 'ledger' | 'runId' | 'tradingDay'>;

/** Build the report of `runId` from the ledger, with the reconciliation computed by the caller. */
export async function buildReport(
  ledger: LedgerRepository,
  runId: string,
  reconciliation: RunReport['reconciliation'],
  extra: {
    executionName?: string | null;
    elapsedMs?: number;
    config?: LoadedConfig;
    shadows?: ReportShadows;
    enabled?: ReadonlySet<string>;
  } = {},
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
      account: { nav: '0.00', dayPnl: '0.00' },
      capital: null,
      corporateActions: [],
      netting: [],
      reconciliation,
      ...(extra.elapsedMs === undefined ? {} : { elapsedMs: Math.round(extra.elapsedMs) }),
    };
  }
  const [strategyRuns, orders, killSwitch, day] = await Promise.all([
    allPages((o) => ledger.listStrategyRunsOfRun(runId, o)),
    allPages((o) => ledger.listOrdersOfRun(runId, o)),
    ledger.getKillSwitch(),
    dayCapital(ledger, run.tradingDay, extra.config),
  ]);
  const ordersOf = (bookId: string) =>
    orders
      .filter((o) => o.bookId === bookId)
      .sort((a, b) => a.clientOrderId.localeCompare(b.clientOrderId))
      .map(comparisonOrderOf);
  const comparisons = extra.shadows
    ? await shadowComparison({ ...extra.shadows, ledger, runId, tradingDay: run.tradingDay })
    : [];
  const paper = new Map(comparisons.map((c) => [c.strategyId, c]));
  const strategies: ReportStrategy[] = [];
  for (const s of strategyRuns) {
    const bookId: BookId = `strategy#${s.strategyId}`;
    const c = paper.get(s.strategyId);
    const flip = day.flips.get(s.strategyId);
    strategies.push({
      id: s.strategyId,
      mode: 'live',
      flow: s.flow,
      ...(flip ? { flip } : {}),
      outcome: s.outcome,
      ...(s.error ? { error: s.error } : {}),
      orders: s.flow === 'per-book' ? ordersOf(bookId) : [],
      book: strategyBook(day, s.strategyId, s.flow),
      shadow: c ? reportShadow(c) : null,
    });
  }
  for (const c of comparisons.filter((x) => x.mode === 'shadow')) {
    strategies.push({
      id: c.strategyId,
      mode: 'shadow',
      flow: c.shadow.flow,
      outcome: 'SKIPPED',
      orders: [],
      book: null,
      shadow: reportShadow(c),
    });
  }
  strategies.sort((a, b) => a.id.localeCompare(b.id));
  const members = strategies.filter((s) => s.mode === 'live' && s.flow === 'aggregated').map((s) => s.id);
  const poolOrders = ordersOf('pool');
  const poolBook = day.books.get('pool') ?? null;
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
    account: day.account,
    capital: day.capital,
    corporateActions: day.corporateActions,
    netting: day.netting,
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

/** A strategy's paper book in one line (under the strategy's line). */
function shadowLine(p: ReportShadow): string {
  const filled = p.orders.filter((o) => !new Decimal(o.filledQty).isZero()).length;
  const tracking =
    p.trackingDifferencePct === null ? '' : `  tracking ${signed(p.trackingDifferencePct)} pts vs production`;
  return `      shadow ${pad(p.flow, 10)} ${pad(p.outcome, 9)} ${lpad(`${filled}/${p.orders.length}`, 6)} ${lpad(money(p.book?.nav), 12)} ${lpad(signed(p.book?.dayPnl ?? null), 10)}${tracking}`;
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
      `  ${pad(s.id, 26)} ${pad(s.flow, 10)} ${pad(s.mode === 'shadow' ? 'paper' : s.outcome, 9)} ${lpad(String(s.orders.length), 6)} ${lpad(money(s.book?.nav), 12)} ${lpad(signed(s.book?.dayPnl ?? null), 10)}`,
    );
    if (s.flip)
      lines.push(
        `      flipped ${s.flip.from} → ${s.flip.to} today (its own book's P&L before the flip shown)`,
      );
    if (s.error) lines.push(`      ${s.error.name}: ${s.error.message}`);
    for (const o of s.orders) lines.push(orderLine(o));
    if (s.shadow) lines.push(shadowLine(s.shadow));
    if (s.shadow?.error) lines.push(`        ${s.shadow.error.name}: ${s.shadow.error.message}`);
  }
  if (r.pool) {
    lines.push(
      `  ${pad('pool', 26)} ${pad('aggregated', 10)} ${pad('', 9)} ${lpad(String(r.pool.orders.length), 6)} ${lpad(money(r.pool.book?.nav), 12)} ${lpad(signed(r.pool.book?.dayPnl ?? null), 10)}`,
    );
    lines.push(`      members: ${r.pool.members.join(', ') || '(none)'}`);
    for (const o of r.pool.orders) lines.push(orderLine(o));
  }
  lines.push(
    `  ${pad('account', 26)} ${pad('', 10)} ${pad('', 9)} ${lpad('', 6)} ${lpad(money(r.account.nav), 12)} ${lpad(signed(r.account.dayPnl), 10)}`,
  );
  lines.push(...capitalLines(r));
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

/** Capital transfers, shares off target and corporate actions of the day, as text (nothing when none). */
function capitalLines(r: RunReport): string[] {
  const lines: string[] = [];
  const c = r.capital;
  if (c && c.transfers.length > 0) {
    lines.push('', `Capital (${c.policy}${c.band ? `, band ±${c.band} relative, ${c.frequency}` : ''}):`);
    for (const t of c.transfers) {
      const what = t.symbol ? `${t.qty} ${t.symbol} (cost ${money(t.amount)})` : `$${money(t.amount)}`;
      lines.push(`  ${pad(t.from, 26)} → ${pad(t.to, 26)} ${what}`);
    }
  }
  for (const a of r.corporateActions) {
    const head =
      a.kind === 'split'
        ? `split ${a.terms} of ${a.symbol} (${a.source})`
        : `dividend $${a.terms}/share of ${a.symbol}`;
    const books = a.books.map(
      (b) => `${b.bookId} ${b.qty !== undefined ? `${b.qty} sh` : `+$${money(b.amount)}`}`,
    );
    lines.push(`Corporate action: ${head}, ex-date ${a.exDate}: ${books.join(', ')}`);
  }
  if (r.netting.length > 0) {
    lines.push('', 'Netted at the account (crossed between books at the as-of price, no broker order):');
    for (const c of r.netting) {
      lines.push(
        `  ${pad(`${c.qty} ${c.symbol}`, 24)} ${pad(c.from, 26)} → ${pad(c.to, 26)} $${money(c.amount)}`,
      );
    }
  }
  return lines;
}
