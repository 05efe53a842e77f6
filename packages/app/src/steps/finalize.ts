/**
 * Finalize: the day's NAV of every book (at D's prices, with the day's transfers as flows in and out),
 * reconciliation of the books against the broker (`@ensemble/execution`'s reconcile), and the run's final
 * status, moved once from RUNNING:
 *  - FAILED when reconciliation found differences, or a branch (or the pool) FAILED (the pool's error is
 *    classified like a branch's: a blocking error blocks);
 *  - BLOCKED when nothing failed but some strategy was BLOCKED;
 *  - SUCCEEDED otherwise.
 * A re-run recomputes the same and records nothing twice (the status move replays; a NAV recorded before a
 * FAILED branch's second run traded is restated, once, to the books as they now are).
 *
 * The Finalize that ends the execution (no second run follows it) then publishes the daily report
 * (report/daily-report.ts): the report under `reports/<day>/` and the day's summary to the notifier. A
 * report that cannot be published is logged as an error and counted (`DailyReportFailed`); it does not
 * change the run's status, which is about trading.
 * Shadow mode (docs/shadow.md): the books, NAVs and reconciliation here are production's only (the paper books
 * are in another scope of the ledger, which none of their queries reads). When strategies are shadowed, the
 * output carries the day's comparison (`shadows`, the notification's data), read from both scopes; reading it
 * can only leave it out, never fail Finalize.
 */
import { outcomeOfError } from '@ensemble/core';
import { receivableDividends, reconcile, unallocatedFromTransfers } from '@ensemble/execution';
import type {
  BookLedger,
  OrderLedger,
  PlanLedger,
  RunLedger,
  SignalLedger,
  TransferLedger,
} from '@ensemble/ledger';
import {
  dayBranches,
  type FinalizeInput,
  type FinalizeOutput,
  retryItemsOf,
  type ShadowSummary,
} from '@ensemble/workflow/contract';
import { RunNotActiveError } from '../errors.ts';
import { type DailyReportLedger, publishDailyReport } from '../report/daily-report.ts';
import { shadowComparison, shadowSummaryOf } from '../shadow/comparison.ts';
import type { StepDeps } from '../step-deps.ts';
import { shadowedStrategies } from '../strategies.ts';
import { task } from '../task.ts';
import { recordNavs } from './record-navs.ts';

/** The ledger roles Finalize uses (the last three: reading the shadow comparison). */
type Ledger = RunLedger &
  BookLedger &
  TransferLedger &
  DailyReportLedger &
  Pick<PlanLedger, 'listPoolAttributionsOfStrategy'> &
  Pick<SignalLedger, 'getSignal'> &
  Pick<OrderLedger, 'listOrdersOfBook'>;

type RunStatus = FinalizeOutput['status'];

export const finalize = async (deps: StepDeps<Ledger>, given: FinalizeInput): Promise<FinalizeOutput> => {
  // The Executions Map's results replace the first Map's PLANNED ones; FinalizeRetried: the second run's
  // results replace those of the branches that ran again.
  const branches = dayBranches(given);
  const input = { ...given, branches };
  const { ledger, broker } = deps.ports;
  const { logger } = deps.observe;
  const run = await ledger.getRun(input.runId);
  if (!run) throw new RunNotActiveError(input.runId, null);
  const snapshot = await deps.readSnapshot(input.snapshotRef);
  await recordNavs(deps, input.tradingDay, snapshot);

  // The simulated account's deposits are known (its starting cash); a real account's are not.
  const unallocatedCash =
    broker.kind === 'sim'
      ? await unallocatedFromTransfers(ledger, deps.config.account.startingCash)
      : undefined;
  const report = await reconcile({
    ledger,
    broker,
    ...(unallocatedCash === undefined ? {} : { unallocatedCash }),
    receivableCash: await receivableDividends(ledger, input.tradingDay),
  });
  const reconciliation = { ok: report.ok, differences: report.differences.length };
  if (!report.ok) logger.error('reconciliation found differences', { differences: report.differences });

  const status = runStatus(input, reconciliation.ok);
  // RUNNING, or FAILED and now redriven (which may have cured it): move once to the status computed now.
  if (run.status === 'RUNNING' || (run.status === 'FAILED' && status !== 'FAILED')) {
    const error =
      status === 'SUCCEEDED' ? undefined : { name: `Run${status}`, message: summary(input, reconciliation) };
    const moved = await ledger.updateRunStatus({
      runId: input.runId,
      expected: run.status,
      status,
      ...(error ? { error } : {}),
    });
    if (moved.status === 'conflict')
      logger.warn('run status moved concurrently', { now: moved.current?.status });
  } else if (run.status !== status) {
    logger.warn('run already finished with another status', { recorded: run.status, now: status });
  }
  const retryItems = retryItemsOf(branches);
  const shadows = await shadowSummaries(deps, input);
  const retryPool = input.pool?.error !== undefined && outcomeOfError(input.pool.error.Error) === 'FAILED';
  if (given.retried !== undefined || (retryItems.length === 0 && !retryPool)) {
    try {
      await publishDailyReport(deps, {
        ...input,
        status,
        reconciliation,
        ...(shadows ? { shadowSummaries: shadows } : {}),
      });
    } catch (e) {
      logger.error('daily report not published', { error: (e as Error).message });
      deps.observe.metrics.addMetric('DailyReportFailed', 'Count', 1);
    }
  }
  return {
    runId: input.runId,
    status,
    reconciliation,
    retryItems,
    retryBranches: retryItems.length,
    retryPool,
    ...(shadows ? { shadows } : {}),
  };
};

/** The day's shadow comparison for the notification (see the module comment); undefined when there is none. */
const shadowSummaries = async (
  deps: StepDeps<Ledger>,
  input: FinalizeInput,
): Promise<ShadowSummary[] | undefined> => {
  if (deps.shadow === undefined || shadowedStrategies(deps.config).length === 0) return undefined;
  try {
    const comparison = await shadowComparison({
      ledger: deps.ports.ledger,
      shadowLedger: deps.shadow.ledger,
      config: deps.config,
      runId: input.runId,
      tradingDay: input.tradingDay,
      ...(input.shadows ? { results: input.shadows.items } : {}),
    });
    return comparison.map(shadowSummaryOf);
  } catch (e) {
    deps.observe.logger.error('shadow comparison not read: left out of the output', {
      error: (e as Error).message,
    });
    return undefined;
  }
};

/** The run's final status (see the module comment). */
export const runStatus = (input: FinalizeInput, reconciled: boolean): RunStatus => {
  const outcomes = [
    ...input.branches.map((b) => b.outcome),
    ...(input.pool?.error
      ? [outcomeOfError(input.pool.error.Error)]
      : input.pool?.outcome
        ? [input.pool.outcome]
        : []),
  ];
  // PLANNED: a per-book branch never executed (NetOrders failed): not traded, so not done.
  if (!reconciled || outcomes.includes('FAILED') || outcomes.includes('PLANNED')) return 'FAILED';
  if (outcomes.includes('BLOCKED')) return 'BLOCKED';
  return 'SUCCEEDED';
};

const summary = (input: FinalizeInput, reconciliation: { ok: boolean; differences: number }): string => {
  const count = (o: string) => input.branches.filter((b) => b.outcome === o).length;
  const parts = [`${count('FAILED')} failed`, `${count('BLOCKED')} blocked`];
  if (count('PLANNED') > 0) parts.push(`${count('PLANNED')} planned but not executed`);
  if (input.pool?.error) parts.push(`pool failed: ${input.pool.error.Error}`);
  if (!reconciliation.ok) parts.push(`${reconciliation.differences} reconciliation differences`);
  return parts.join(', ');
};

/** The `Finalize` task. */
export const finalizeTask = task('Finalize', finalize);
