/**
 * The day's short summary, as Finalize publishes it: the run's status, the account's NAV and day P&L, the
 * reconciliation, the orders and what was netted between books at the account, then one line per strategy (flow, outcome, orders, day P&L) and where the full
 * report is. Pure: built from the run's outcome, the report and the run's orders.
 */
import { D, type EquityCurve, type PerformanceReport } from '@ensemble/core';
import type { Order } from '@ensemble/ledger';
import type { ShadowSummary } from '@ensemble/workflow/contract';
import type { Notification } from './notifier.ts';

/** What the summary tells besides the report. */
export interface DayOutcome {
  readonly runId: string;
  readonly tradingDay: string;
  readonly status: string;
  readonly reconciliation: { readonly ok: boolean; readonly differences: number };
  readonly branches: readonly {
    readonly strategyId: string;
    readonly flow: string;
    readonly outcome: string;
  }[];
  /** Shadow mode's comparison of the day, one per shadowed strategy (docs/shadow.md). */
  readonly shadowSummaries?: readonly ShadowSummary[];
  /** The pool steps' outcome, when a strategy is aggregated. */
  readonly pool?: { readonly outcome?: string; readonly error?: { readonly Error: string } } | undefined;
}

/** A unit's P&L on `day`: Eₙ − Eₙ₋₁ − Fₙ (null unless its last point is `day` and it has one before). */
export const dayPnl = (equity: EquityCurve, flows: EquityCurve | undefined, day: string): D | null => {
  const last = equity.at(-1);
  const before = equity.at(-2);
  if (!last || !before || last[0] !== day) return null;
  const flow = (flows ?? []).filter(([d]) => d === day).reduce((a, [, v]) => a.plus(v), new D(0));
  return new D(last[1]).minus(before[1]).minus(flow);
};

const usd = (d: D | string | null | undefined): string => {
  if (d === null || d === undefined) return '—';
  const x = new D(d);
  const body = x
    .abs()
    .toFixed(2)
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${x.isNegative() ? '−' : ''}$${body}`;
};
const signedUsd = (d: D | null): string => (d === null ? '—' : `${d.isNegative() ? '' : '+'}${usd(d)}`);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** What the day's netting crossed between books (NetOrders' plan): how many crosses, their notional. */
export interface DayNetting {
  readonly crosses: number;
  readonly notional: string;
}

/** The notification of a finished day (see the module comment). */
export const dailySummary = (
  stage: string,
  day: DayOutcome,
  report: PerformanceReport | null,
  orders: readonly Order[],
  location: string | null,
  netting: DayNetting | null = null,
): Notification => {
  const filled = orders.filter((o) => o.status === 'FILLED').length;
  const lines = [`Ensemble ${stage} — ${day.tradingDay} — ${day.status}`];
  if (report) {
    const nav = report.account.equity.at(-1)?.[1];
    const pnl = dayPnl(report.account.equity, report.account.flows, day.tradingDay);
    const before = report.account.equity.at(-2)?.[1];
    const pct = pnl && before && new D(before).gt(0) ? ` (${pnl.div(before).times(100).toFixed(2)}%)` : '';
    lines.push(`Account NAV ${usd(nav)}, day P&L ${signedUsd(pnl)}${pct}`);
  }
  lines.push(
    day.reconciliation.ok
      ? 'Reconciliation: OK'
      : `Reconciliation: ${day.reconciliation.differences} difference(s) — the run is FAILED`,
  );
  lines.push(`Orders: ${orders.length} placed, ${filled} filled`);
  if (netting && netting.crosses > 0) {
    lines.push(
      `Netted at the account: ${netting.crosses} cross(es) between books, ${usd(netting.notional)} (no broker order)`,
    );
  }
  lines.push('');
  lines.push(`${pad('strategy', 26)} ${pad('flow', 10)} ${pad('outcome', 9)} ${pad('orders', 6)} day P&L`);
  const strategies = new Map((report?.strategies ?? []).map((s) => [s.id, s]));
  const poolOutcome = day.pool?.error ? `FAILED (${day.pool.error.Error})` : (day.pool?.outcome ?? '');
  for (const b of [...day.branches].sort((a, c) => (a.strategyId < c.strategyId ? -1 : 1))) {
    const s = strategies.get(b.strategyId);
    const own = orders.filter((o) => o.bookId === `strategy#${b.strategyId}`).length;
    // A pool member's branch ends SKIPPED after Evaluate: its outcome is the pool's.
    const outcome = b.flow === 'aggregated' && b.outcome === 'SKIPPED' && poolOutcome ? 'pool' : b.outcome;
    lines.push(
      `${pad(b.strategyId, 26)} ${pad(b.flow, 10)} ${pad(outcome, 9)} ${pad(String(own), 6)} ${signedUsd(s ? dayPnl(s.equity, s.flows, day.tradingDay) : null)}`,
    );
  }
  if (report?.pool || day.pool?.outcome || day.pool?.error) {
    const outcome = poolOutcome;
    const pool = orders.filter((o) => o.bookId === 'pool').length;
    const pnl = report?.pool ? dayPnl(report.pool.equity, report.pool.flows, day.tradingDay) : null;
    lines.push(
      `${pad('pool', 26)} ${pad('aggregated', 10)} ${pad(outcome, 9)} ${pad(String(pool), 6)} ${signedUsd(pnl)}`,
    );
  }
  if (day.shadowSummaries !== undefined && day.shadowSummaries.length > 0) {
    lines.push('');
    lines.push(
      `${pad('shadow (paper)', 26)} ${pad('flow', 10)} ${pad('outcome', 9)} ${pad('NAV', 12)} day P&L   tracking`,
    );
    for (const s of day.shadowSummaries) {
      const tracking = s.trackingDifferencePct === null ? '—' : `${s.trackingDifferencePct} pts`;
      lines.push(
        `${pad(`${s.strategyId}${s.mode === 'shadow' ? ' (shadow only)' : ''}`, 26)} ${pad(s.flow, 10)} ${pad(s.outcome, 9)} ${pad(usd(s.nav ?? undefined), 12)} ${signedUsd(s.dayPnl === null ? null : new D(s.dayPnl))}  ${tracking}`,
      );
    }
  }
  lines.push('');
  lines.push(location ? `Report: ${location}` : 'Report: not written (see the Finalize log)');
  return {
    subject: `Ensemble ${stage} ${day.tradingDay}: ${day.status}`.slice(0, 100),
    text: lines.join('\n'),
  };
};
