/**
 * How `ensemble backtest` shows its result: the terminal summary, `--json` and `--html`. This is the one
 * module to swap for the performance report (`buildReport(history)` → the report's JSON contract,
 * `renderReportHtml(report)` → the HTML page): everything else of the command hands it the backtest's
 * {@link BacktestResult}s and prints or writes what it returns. Until then it shows the history itself: the
 * equity of the account, the strategies and the pool, their flows, orders and fees, and how the sessions
 * ended (`--json`: the {@link PerformanceHistory} with the number of sessions).
 */
import type { BacktestResult, UnitWithFlows } from '@ensemble/app';
import { D, type Series } from '@ensemble/core';

/** One backtest, or both flows of `--flow compare`. */
export type Backtested =
  | BacktestResult
  | { readonly 'per-book': BacktestResult; readonly aggregated: BacktestResult };

/** The flows of a comparison, or the one backtest. */
const runsOf = (b: Backtested): [string, BacktestResult][] =>
  'history' in b
    ? [[b.history.flow, b]]
    : [
        ['per-book', b['per-book']],
        ['aggregated', b.aggregated],
      ];

/** One backtest as JSON data: its history and its number of sessions. */
const jsonOf = (r: BacktestResult) => ({ ...r.history, sessions: r.sessions.length });

/** `--json`: one object (`{ compare: { 'per-book', aggregated } }` for a comparison). */
export const renderJson = (b: Backtested): string =>
  JSON.stringify(
    'history' in b
      ? jsonOf(b)
      : { compare: { 'per-book': jsonOf(b['per-book']), aggregated: jsonOf(b.aggregated) } },
  );

const money = (v: string | undefined): string =>
  v === undefined
    ? '—'
    : new D(v)
        .toDecimalPlaces(2)
        .toNumber()
        .toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const total = (s: Series | undefined): string =>
  (s ?? []).reduce((a, [, v]) => a.plus(v), new D(0)).toFixed();

/** One unit's row: its name, first and last NAV, net flows, orders and fees. */
const row = (name: string, u: UnitWithFlows): string[] => [
  name,
  money(u.equity[0]?.[1]),
  money(u.equity.at(-1)?.[1]),
  money(total(u.flows)),
  String(u.orders),
  money(u.fees),
];

const HEADER = ['', 'first NAV', 'last NAV', 'net flows', 'orders', 'fees'];

/** Rows padded to columns (the first left-aligned, the others right-aligned). */
const columns = (rows: readonly string[][]): string[] => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '),
  );
};

/** How the sessions ended: executions that failed, and strategies blocked or failed. */
const sessionLines = (r: BacktestResult): string[] => {
  const failed = r.sessions.filter((s) => s.status === 'FAILED').length;
  const count = (o: string) => r.sessions.filter((s) => Object.values(s.outcomes).includes(o)).length;
  return [
    `Sessions: ${r.sessions.length}; a strategy BLOCKED on ${count('BLOCKED')}, FAILED on ${count('FAILED')}; executions failed: ${failed}`,
  ];
};

/** The terminal summary of one backtest. */
const summaryOf = (flow: string, r: BacktestResult): string[] => {
  const h = r.history;
  return [
    `Backtest ${h.from} → ${h.to} (${r.sessions.length} sessions), flow ${flow}, starting cash ${money(h.startingCash)}`,
    `Fills: ${h.fills}`,
    ...columns([
      HEADER,
      row('account', h.account),
      ...h.strategies.map((s) => row(`${s.id} (${s.flow})`, s)),
      ...(h.pool ? [row(`pool (${h.pool.members.join(', ')})`, h.pool)] : []),
    ]),
    ...(h.benchmark
      ? [
          `Benchmark ${h.benchmark.symbol}: ${money(h.benchmark.closes[0]?.[1])} → ${money(h.benchmark.closes.at(-1)?.[1])}`,
        ]
      : []),
    ...sessionLines(r),
  ];
};

/** The terminal summary (both flows, one after the other, for a comparison). */
export const renderText = (b: Backtested): string[] =>
  runsOf(b).flatMap(([flow, r], i) => [...(i > 0 ? [''] : []), ...summaryOf(flow, r)]);

const escapeHtml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** An inline SVG line of the account's equity. */
const equitySvg = (equity: Series): string => {
  const values = equity.map(([, v]) => Number(v));
  if (values.length < 2) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const points = values
    .map(
      (v, i) =>
        `${((i / (values.length - 1)) * 800).toFixed(1)},${(200 - ((v - lo) / (hi - lo || 1)) * 200).toFixed(1)}`,
    )
    .join(' ');
  return `<svg viewBox="0 0 800 200" width="800" height="200" role="img" aria-label="account equity"><polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="${points}"/></svg>`;
};

/** `--html`: one self-contained page (no network needed). */
export const renderHtml = (b: Backtested): string => {
  const sections = runsOf(b).map(([flow, r]) => {
    const h = r.history;
    const table = [
      HEADER,
      row('account', h.account),
      ...h.strategies.map((s) => row(`${s.id} (${s.flow})`, s)),
      ...(h.pool ? [row('pool', h.pool)] : []),
    ]
      .map(
        (cells, i) =>
          `<tr>${cells.map((c) => (i === 0 ? `<th>${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`,
      )
      .join('\n');
    return `<section><h2>${escapeHtml(flow)}: ${h.from} → ${h.to}, ${r.sessions.length} sessions</h2>
<p>Fills ${escapeHtml(h.fills)}.</p>
${equitySvg(h.account.equity)}
<table>${table}</table></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ensemble backtest</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body><h1>Ensemble backtest</h1>
${sections.join('\n')}
</body></html>
`;
};
