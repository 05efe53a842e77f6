/**
 * The report as text for a terminal: one screen — the period, then one line per unit (account, benchmark,
 * pool, each strategy) with its return, CAGR, max drawdown, Sharpe ratio, orders and fees, and shadowed
 * strategies' production against paper. `ensemble report`, the summary after `ensemble run --days N` and the
 * backtest print it; `--flow compare` adds the two flows' differences (core's `compareReports`).
 */
import type { FlowComparison, Metrics, PerformanceReport, ReportShadow } from '@ensemble/core';
import { lpad, money, NONE, pad, pct, ratio, signedPct } from './format.ts';

const ID_WIDTH = 26;
const HEADER =
  `  ${pad('', ID_WIDTH)} ${pad('flow', 10)} ${lpad('end NAV', 14)} ${lpad('return', 9)} ${lpad('CAGR', 9)}` +
  ` ${lpad('max DD', 8)} ${lpad('Sharpe', 7)} ${lpad('orders', 6)} ${lpad('fees', 9)}`;

const line = (id: string, flow: string, equity: readonly (readonly [string, string])[], m: Metrics) =>
  `  ${pad(id, ID_WIDTH)} ${pad(flow, 10)} ${lpad(money(equity.at(-1)?.[1]), 14)} ${lpad(signedPct(m.totalReturn), 9)}` +
  ` ${lpad(signedPct(m.cagr), 9)} ${lpad(pct(m.maxDrawdown), 8)} ${lpad(ratio(m.sharpe), 7)}` +
  ` ${lpad(String(m.orders), 6)} ${lpad(money(m.fees), 9)}`;

/** The report as lines of text (see the module comment). */
export const formatReportText = (r: PerformanceReport, title = 'Performance'): string[] => {
  const out = [
    `${title} ${r.from} → ${r.to}: ${r.sessions} session${r.sessions === 1 ? '' : 's'}, flow ${r.flow}, starting cash ${money(r.startingCash)}`,
    '',
    HEADER,
    line('account', '', r.account.equity, r.account.metrics),
  ];
  if (r.benchmark) out.push(line(r.benchmark.symbol, 'benchmark', r.benchmark.equity, r.benchmark.metrics));
  if (r.pool) out.push(line('pool', 'aggregated', r.pool.equity, r.pool.metrics));
  for (const s of r.strategies) out.push(line(s.id, s.flow, s.equity, s.metrics));
  const m = r.account.metrics;
  out.push('');
  out.push(
    `Account: volatility ${pct(m.volatility)}, Sortino ${ratio(m.sortino)}, Calmar ${ratio(m.calmar)}, ` +
      `turnover ${ratio(m.turnover)}×/yr, best day ${signedPct(m.bestDay)}, worst day ${signedPct(m.worstDay)}` +
      (m.beta === null ? '' : `, beta ${ratio(m.beta)}, correlation ${ratio(m.correlation)}`),
  );
  if (m.maxDrawdownPeak && m.maxDrawdownTrough)
    out.push(`Max drawdown ${pct(m.maxDrawdown)} from ${m.maxDrawdownPeak} to ${m.maxDrawdownTrough}`);
  out.push(`Fills: ${r.fills}`);
  if (r.shadows && r.shadows.length > 0) out.push('', ...formatShadows(r.shadows));
  return out;
};

/**
 * Shadow mode's lines: per shadowed strategy, production and paper returns over the paper book's sessions,
 * the tracking difference (paper − production), and the paper book's end NAV.
 */
export const formatShadows = (shadows: readonly ReportShadow[]): string[] => [
  "Shadow (paper books, never at the broker; over each paper book's sessions):",
  `  ${pad('', ID_WIDTH)} ${pad('paper flow', 10)} ${lpad('sessions', 8)} ${lpad('production', 10)} ${lpad('paper', 9)} ${lpad('tracking', 9)} ${lpad('paper NAV', 14)}`,
  ...shadows.map(
    (s) =>
      `  ${pad(s.mode === 'shadow' ? `${s.id} (paper only)` : s.id, ID_WIDTH)} ${pad(s.flow, 10)} ${lpad(String(s.paper.equity.length), 8)}` +
      ` ${lpad(signedPct(s.production?.metrics.totalReturn), 10)} ${lpad(signedPct(s.paper.metrics.totalReturn), 9)}` +
      ` ${lpad(signedPct(s.trackingDifference), 9)} ${lpad(money(s.paper.equity.at(-1)?.[1]), 14)}`,
  ),
];

/**
 * A period's summary in one screen (the end of `ensemble run --days N`): per unit its NAV at the start and
 * the end, its return (net of flows) and its max drawdown over the period, and its orders.
 */
export const formatPeriodSummary = (r: PerformanceReport): string[] => {
  const head = `  ${pad('', ID_WIDTH)} ${pad('flow', 10)} ${lpad('start NAV', 14)} ${lpad('end NAV', 14)} ${lpad('return', 9)} ${lpad('max DD', 8)} ${lpad('orders', 6)}`;
  const row = (id: string, flow: string, equity: readonly (readonly [string, string])[], m: Metrics) =>
    `  ${pad(id, ID_WIDTH)} ${pad(flow, 10)} ${lpad(money(equity[0]?.[1]), 14)} ${lpad(money(equity.at(-1)?.[1]), 14)}` +
    ` ${lpad(signedPct(m.totalReturn), 9)} ${lpad(pct(m.maxDrawdown), 8)} ${lpad(String(m.orders), 6)}`;
  const out = [
    `Period ${r.from} → ${r.to}: ${r.sessions} session${r.sessions === 1 ? '' : 's'} (returns from the close of ${r.from})`,
    head,
    row('account', '', r.account.equity, r.account.metrics),
  ];
  if (r.benchmark) out.push(row(r.benchmark.symbol, 'benchmark', r.benchmark.equity, r.benchmark.metrics));
  if (r.pool) out.push(row('pool', 'aggregated', r.pool.equity, r.pool.metrics));
  for (const s of r.strategies) out.push(row(s.id, s.flow, s.equity, s.metrics));
  return out;
};

/** A compared value as its kind reads: orders a count, fees dollars, turnover a ratio, the rest percentages. */
const comparedValue = (kind: string, x: number | null): string =>
  x === null
    ? NONE
    : kind === 'orders'
      ? String(x)
      : kind === 'fees'
        ? money(x)
        : kind === 'turnover'
          ? `${ratio(x)}×`
          : signedPct(x);

/**
 * The differences of `--flow compare` as text: the account's headline metrics per flow and their difference
 * (per-book − aggregated), then each strategy's total return on its own book and as its attributed share of
 * the pool, and the tracking difference between the two.
 */
export const formatComparisonText = (c: FlowComparison): string[] => {
  const row = (name: string, kind: string, v: FlowComparison['account']['orders']) =>
    `  ${pad(name, ID_WIDTH)} ${lpad(comparedValue(kind, v.perBook), 14)} ${lpad(comparedValue(kind, v.aggregated), 14)} ${lpad(comparedValue(kind, v.difference), 14)}`;
  const head = (first: string) =>
    `  ${pad(first, ID_WIDTH)} ${lpad('per-book', 14)} ${lpad('aggregated', 14)} ${lpad('difference', 14)}`;
  return [
    'Per-book vs aggregated',
    head('account'),
    ...Object.entries(c.account).map(([k, v]) => row(k, k, v)),
    '',
    'Total return per strategy: own book vs attributed share of the pool (difference: tracking difference)',
    head('strategy'),
    ...c.strategies.map((s) => row(s.id, 'totalReturn', s.totalReturn)),
  ];
};
