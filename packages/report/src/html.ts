/**
 * `renderReportHtml`: one self-contained HTML file (no network needed to open it) — the metrics table, the
 * account's monthly returns, and uPlot charts (account equity with the benchmark, every unit's growth of $1
 * with a log-scale toggle, drawdowns, each book's allocation over time). For `--flow compare`, the two flows'
 * headline differences and per-strategy tracking differences, then both reports side by side.
 * docs/reports.md says why uPlot.
 */
import {
  compareReports,
  type FlowComparison,
  type Metrics,
  monthlyReturns,
  type PerformanceComparison,
  type PerformanceReport,
} from '@ensemble/core';
import { chartLibrary } from './assets.ts';
import { type ChartSpec, chartsOf, type HoldingsByUnit } from './chart-data.ts';
import { CLIENT_SCRIPT } from './client-script.ts';
import { escapeHtml as esc, money, NONE, pct, ratio, signedPct } from './format.ts';

/** What a page shows besides the report itself. */
export interface ReportExtras {
  /** The page's title. @default 'Ensemble performance report' */
  readonly title?: string;
  /** Holdings by unit id, for the allocation charts (`holdingsOf(history)`). @default none */
  readonly holdings?: HoldingsByUnit;
  /** With `--flow compare`: the holdings of each flow's history. @default none */
  readonly compareHoldings?: Partial<Record<'per-book' | 'aggregated', HoldingsByUnit>>;
  /** When the report was made, shown in the footer (the renderer reads no clock). @default not shown */
  readonly generatedAt?: string;
}

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header,main,footer{max-width:1400px;margin:0 auto;padding:12px 20px}
header h1{font-size:20px;margin:8px 0 4px}
.sub{color:#555}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:14px 0;padding:10px 14px;overflow-x:auto}
h2{font-size:16px;margin:4px 0 10px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;white-space:nowrap}
th,td{padding:3px 6px;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}
thead th{background:#f3f3f3;position:sticky;top:0}
tr.account td{font-weight:600}
td.pos{color:#0a7a32}td.neg{color:#b3261e}
.chart{min-height:40px;width:100%}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:10px}
.uplot{width:100%}.u-legend.u-inline,.u-legend.u-inline tbody{display:block;max-width:100%;white-space:normal}
.u-legend.u-inline tr{display:inline-block}
.grid .chart{overflow:hidden}.grid .u-legend{font-size:11px}.grid .u-legend .u-value{display:none}
table.metrics{font-size:12.5px}
.u-title{font-size:14px!important}
.flows{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:1100px){.flows{grid-template-columns:1fr}}
label.toggle{float:right;font-weight:normal;font-size:13px}
.kpis{display:flex;flex-wrap:wrap;gap:18px;margin:6px 0}
.kpis div{min-width:110px}.kpis b{display:block;font-size:18px}
footer{color:#666;font-size:12px}
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const signClass = (x: number | null | undefined): string =>
  x === null || x === undefined || x === 0 ? '' : x > 0 ? ' class="pos"' : ' class="neg"';

const cell = (text: string, x?: number | null): string => `<td${signClass(x)}>${esc(text)}</td>`;

const METRIC_HEAD = [
  'unit',
  'flow',
  'allocation',
  'end NAV',
  'return',
  'CAGR',
  'volatility',
  'Sharpe',
  'Sortino',
  'max DD',
  'DD peak → trough',
  'Calmar',
  'turnover',
  'orders',
  'fees',
  'best day',
  'worst day',
  'beta',
  'correlation',
];

const metricRow = (
  label: string,
  flow: string,
  allocation: string,
  equity: readonly (readonly [string, string])[],
  m: Metrics,
  cls = '',
): string =>
  `<tr${cls ? ` class="${cls}"` : ''}>` +
  [
    cell(label),
    cell(flow),
    cell(allocation === '' ? '' : pct(Number(allocation), 1)),
    cell(money(equity.at(-1)?.[1])),
    cell(signedPct(m.totalReturn), m.totalReturn),
    cell(signedPct(m.cagr), m.cagr),
    cell(pct(m.volatility)),
    cell(ratio(m.sharpe)),
    cell(ratio(m.sortino)),
    cell(pct(m.maxDrawdown)),
    cell(m.maxDrawdownPeak ? `${m.maxDrawdownPeak} → ${m.maxDrawdownTrough}` : NONE),
    cell(ratio(m.calmar)),
    cell(m.turnover === null ? NONE : `${m.turnover.toFixed(2)}×`),
    cell(String(m.orders)),
    cell(money(m.fees)),
    cell(signedPct(m.bestDay), m.bestDay),
    cell(signedPct(m.worstDay), m.worstDay),
    cell(ratio(m.beta)),
    cell(ratio(m.correlation)),
  ].join('') +
  '</tr>';

const metricsTable = (r: PerformanceReport): string => {
  const rows = [
    metricRow('account', r.flow, '', r.account.equity, r.account.metrics, 'account'),
    ...(r.benchmark
      ? [metricRow(r.benchmark.symbol, 'benchmark', '', r.benchmark.equity, r.benchmark.metrics)]
      : []),
    ...(r.pool ? [metricRow('pool', 'aggregated', '', r.pool.equity, r.pool.metrics)] : []),
    ...r.strategies.map((s) => metricRow(s.id, s.flow, s.allocation, s.equity, s.metrics)),
  ];
  return `<table class="metrics"><thead><tr>${METRIC_HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

const monthlyTable = (r: PerformanceReport): string => {
  const months = monthlyReturns(r.account.equity, r.account.flows);
  const byYear = new Map<string, Map<number, number>>();
  for (const [ym, x] of months) {
    const year = ym.slice(0, 4);
    if (!byYear.has(year)) byYear.set(year, new Map());
    byYear.get(year)!.set(Number(ym.slice(5, 7)) - 1, x);
  }
  const rows = [...byYear.entries()].map(([year, m]) => {
    const total = [...m.values()].reduce((a, x) => a * (1 + x), 1) - 1;
    const cells = MONTHS.map((_, i) => (m.has(i) ? cell(signedPct(m.get(i)!, 1), m.get(i)) : cell('')));
    return `<tr>${cell(year)}${cells.join('')}${cell(signedPct(total, 1), total)}</tr>`;
  });
  return `<table class="monthly"><thead><tr><th>year</th>${MONTHS.map((m) => `<th>${m}</th>`).join('')}<th>year</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

const kpis = (r: PerformanceReport): string => {
  const m = r.account.metrics;
  const items: [string, string][] = [
    ['end NAV', money(r.account.equity.at(-1)?.[1])],
    ['return', signedPct(m.totalReturn)],
    ['CAGR', signedPct(m.cagr)],
    ['max drawdown', pct(m.maxDrawdown)],
    ['Sharpe', ratio(m.sharpe)],
    ['volatility', pct(m.volatility)],
    ...(r.benchmark
      ? [[`${r.benchmark.symbol} return`, signedPct(r.benchmark.metrics.totalReturn)] as [string, string]]
      : []),
  ];
  return `<div class="kpis">${items.map(([k, v]) => `<div>${esc(k)}<b>${esc(v)}</b></div>`).join('')}</div>`;
};

const chartDiv = (c: ChartSpec): string => `<div class="chart" id="chart-${esc(c.id)}"></div>`;

/** One report's sections; its charts are added to `charts`. */
const reportBody = (r: PerformanceReport, holdings: HoldingsByUnit, prefix: string, charts: ChartSpec[]) => {
  const mine = chartsOf(r, holdings, prefix);
  charts.push(...mine);
  const lines = mine.filter((c) => c.kind === 'line');
  const allocations = mine.filter((c) => c.kind === 'stacked');
  return [
    `<section><h2>Account</h2>${kpis(r)}<p class="sub">${esc(r.from)} → ${esc(r.to)}, ${r.sessions} sessions, flow ${esc(r.flow)}, starting cash ${esc(money(r.startingCash))}</p></section>`,
    `<section><h2>Equity and drawdown</h2>${lines.map(chartDiv).join('')}</section>`,
    `<section><h2>Metrics</h2>${metricsTable(r)}</section>`,
    `<section><h2>Monthly returns (account)</h2>${monthlyTable(r)}</section>`,
    allocations.length > 0
      ? `<section><h2>Allocation over time, per book</h2><div class="grid">${allocations.map(chartDiv).join('')}</div></section>`
      : '',
  ].join('\n');
};

const compareTable = (c: FlowComparison): string => {
  const fmt = (k: string, x: number | null) =>
    x === null
      ? NONE
      : k === 'orders'
        ? String(x)
        : k === 'fees'
          ? money(x)
          : k === 'turnover'
            ? `${x.toFixed(2)}×`
            : pct(x);
  const accountRows = Object.entries(c.account).map(
    ([k, v]) =>
      `<tr>${cell(k)}${cell(fmt(k, v.perBook))}${cell(fmt(k, v.aggregated))}${cell(v.difference === null ? NONE : fmt(k, v.difference), v.difference)}</tr>`,
  );
  const strategyRows = c.strategies.map(
    (s) =>
      `<tr>${cell(s.id)}${cell(signedPct(s.totalReturn.perBook), s.totalReturn.perBook)}${cell(signedPct(s.totalReturn.aggregated), s.totalReturn.aggregated)}${cell(signedPct(s.totalReturn.difference), s.totalReturn.difference)}</tr>`,
  );
  return (
    `<table><thead><tr><th>account</th><th>per-book</th><th>aggregated</th><th>difference</th></tr></thead><tbody>${accountRows.join('')}</tbody></table>` +
    `<h2 style="margin-top:14px">Tracking difference per strategy (own book − attributed share of the pool)</h2>` +
    `<table><thead><tr><th>strategy</th><th>per-book return</th><th>aggregated return</th><th>tracking difference</th></tr></thead><tbody>${strategyRows.join('')}</tbody></table>`
  );
};

const isComparison = (x: PerformanceReport | PerformanceComparison): x is PerformanceComparison =>
  'compare' in x;

/** Data embedded in a script element: `<` escaped so no text can close the element. */
const embed = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** The report (or the comparison of both flows) as one self-contained HTML page. */
export const renderReportHtml = (
  input: PerformanceReport | PerformanceComparison,
  extras: ReportExtras = {},
): string => {
  const lib = chartLibrary();
  const title = extras.title ?? 'Ensemble performance report';
  const charts: ChartSpec[] = [];
  let body: string;
  let period: PerformanceReport;
  if (isComparison(input)) {
    const perBook = input.compare['per-book'];
    const aggregated = input.compare.aggregated;
    period = perBook;
    body =
      `<section><h2>Per-book vs aggregated</h2>${compareTable(compareReports(perBook, aggregated))}</section>` +
      `<div class="flows"><div><h2>per-book</h2>${reportBody(perBook, extras.compareHoldings?.['per-book'] ?? {}, 'per-book-', charts)}</div>` +
      `<div><h2>aggregated</h2>${reportBody(aggregated, extras.compareHoldings?.aggregated ?? {}, 'aggregated-', charts)}</div></div>`;
  } else {
    period = input;
    body = reportBody(input, extras.holdings ?? {}, '', charts);
  }
  const benchmarks = [
    ...(isComparison(input)
      ? [input.compare['per-book'].benchmark, input.compare.aggregated.benchmark]
      : [input.benchmark]),
  ].flatMap((b) => (b ? [b.symbol] : []));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} ${esc(period.from)} → ${esc(period.to)}</title>
<style>${lib.stylesheet}</style>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<div class="sub">${esc(period.from)} → ${esc(period.to)} · ${period.sessions} sessions · flow ${esc(isComparison(input) ? 'compare' : period.flow)} · fills: ${esc(period.fills)}
<label class="toggle"><input type="checkbox" id="log-scale"> log scale</label></div>
</header>
<main>
${body}
</main>
<footer>Returns are net of transfers (flows); undefined metrics read ${NONE}. Charts: ${esc(lib.name)} ${esc(lib.version)} (MIT), inlined.${extras.generatedAt ? ` Generated ${esc(extras.generatedAt)}.` : ''}</footer>
<script type="application/json" id="report-data">${embed({ charts, benchmarks })}</script>
<script>${lib.script}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
};
