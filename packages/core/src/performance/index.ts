/** Performance: the history a report is computed from, the metrics, the report (`--json` contract). */

export { computeMetrics, type MetricsInput, type MetricsOptions, SESSIONS_PER_YEAR } from './metrics.ts';
export {
  buildReport,
  type ComparedValue,
  compareReports,
  type FlowComparison,
} from './report.ts';
export {
  type DailyReturn,
  dailyReturns,
  drawdownSeries,
  fundedPart,
  growthIndex,
  maxDrawdownOf,
  monthlyReturns,
} from './returns.ts';
export { attributedSeries, nonZero, sumSeries } from './series.ts';
export type * from './types.ts';
