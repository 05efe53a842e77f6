/**
 * `@ensemble/report`: the performance report (core's `PerformanceReport`) for people — one self-contained
 * HTML page with uPlot charts inlined, and a one-screen text summary.
 */
export { type ChartLibrary, chartLibrary } from './assets.ts';
export {
  type ChartSeries,
  type ChartSpec,
  chartsOf,
  type HoldingsByUnit,
  holdingsOf,
  shadowChartsOf,
} from './chart-data.ts';
export { type ReportExtras, renderReportHtml } from './html.ts';
export { formatComparisonText, formatPeriodSummary, formatReportText, formatShadows } from './text.ts';
