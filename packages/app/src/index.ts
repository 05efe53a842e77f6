/**
 * `@ensemble/app`: the application layer. The workflow's steps (prepare run, evaluate, plan, execute, the
 * pool's aggregate/plan/execute, finalize) over ports only — the ledger, the broker, market data, a clock and
 * a snapshot store — with the task table that runs them against the workflow contract's schemas. Lambda
 * handlers (`@ensemble/functions`), the local runner (`@ensemble/cli`) and the backtest all run these steps.
 */
export {
  type BacktestFlow,
  BacktestInputInvalidError,
  type BacktestOptions,
  type BacktestResult,
  type BrokerPorts,
  compareFlows,
  type FillCosts,
  fillsText,
  RANGE_TRACE,
  runBacktest,
  type SessionProgress,
  type SessionResult,
  type ShadowLeftOut,
  shadowsLeftOut,
} from './backtest/engine.ts';
export { BacktestInvariantError } from './backtest/history.ts';
export * from './errors.ts';
export {
  assertSymbolsFit,
  buildMarketSnapshot,
  createSnapshotReader,
  type LoadedSnapshot,
  loadedSnapshotOf,
  MarketSnapshot,
  type SnapshotReader,
  snapshotKey,
  storeMarketSnapshot,
} from './market-snapshot.ts';
export {
  type AppContext,
  type Clock,
  type FaultInjector,
  noMetrics,
  type Observability,
  type Ports,
  type ShadowPorts,
  type StepLogger,
  type StepMetrics,
  type StepMetricUnit,
  silentLogger,
  systemClock,
} from './ports.ts';
export { type DailyReportLedger, publishDailyReport, reportKeys } from './report/daily-report.ts';
export { type DayOutcome, dailySummary, dayPnl } from './report/daily-summary.ts';
export {
  type HistoryFromLedgerOptions,
  type HistoryLedger,
  historyFromLedger,
  RECORDED_FLOW,
} from './report/history-from-ledger.ts';
export { createMemoryNotifier, type Notification, type Notifier } from './report/notifier.ts';
export {
  createLocalReportStore,
  createMemoryReportStore,
  type ReportStore,
  type StoredReports,
} from './report/report-store.ts';
export {
  type CaughtError,
  caught,
  type DayRun,
  DOMAIN_RETRY_ATTEMPTS,
  type RunDayOptions,
  runDay,
  type TaskCall,
} from './run-day.ts';
export {
  type ComparisonLedger,
  type ComparisonOrder,
  type ComparisonSide,
  comparisonOrderOf,
  type ShadowComparison,
  type ShadowComparisonInput,
  shadowComparison,
  shadowSummaryOf,
} from './shadow/comparison.ts';
export { paperAccountId } from './shadow/paper-broker.ts';
export {
  checkKey,
  createLocalSnapshotStore,
  createMemorySnapshotStore,
  type SnapshotStore,
} from './snapshot-store.ts';
export { type StepDeps, stepDeps } from './step-deps.ts';
export { aggregatePoolTask } from './steps/aggregate-pool.ts';
export { evaluateTask, shadowTraceKey, traceKey } from './steps/evaluate.ts';
export { executePoolTask, executeTask } from './steps/execute.ts';
export { finalizeTask } from './steps/finalize.ts';
export { crossesOf, netOrdersTask } from './steps/net-orders.ts';
export { planPoolTask } from './steps/plan-pool.ts';
export { planRebalanceTask } from './steps/plan-rebalance.ts';
export { prepareRunTask } from './steps/prepare-run.ts';
export { prepareShadowsTask } from './steps/prepare-shadows.ts';
export { causeMessage, recordBranchFailureTask } from './steps/record-branch-failure.ts';
export { shadowTask } from './steps/shadow.ts';
export {
  capitalPolicyOf,
  dayShapeOf,
  liveStrategies,
  type ShadowedStrategy,
  shadowedStrategies,
} from './strategies.ts';
export { kebab, runTask, type TaskDefinition, type TaskOf, task } from './task.ts';
export { createSteps, type Step, type StepContext, tasks } from './tasks.ts';
