/**
 * Per-branch outcomes of one execution, read from its event history: every Map iteration ends in a Pass
 * state (`BranchResult`, `PoolMemberResult`, `BranchFailed`, or on a second run `RetriedResult`) whose
 * output is `{strategyId, flow, outcome, error?}` (the latest wins); the pool's outcome is ExecutePool's (or
 * PoolFailed's, or RetryExecutePool's); the run's status is Finalize's (at `$.finalize`) or FinalizeRetried's
 * (its whole output). An iteration that failed without reaching its result state is counted, not guessed.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { StateNames, taskOfStateName } from '@ensemble/workflow';

/** One strategy's outcome in an execution. */
export interface BranchOutcome {
  readonly strategyId: string;
  readonly flow: string;
  readonly outcome: string;
  readonly error?: string;
}

/** What an execution's history says. */
export interface ExecutionSummary {
  readonly branches: readonly BranchOutcome[];
  /** The pool's outcome when the pool steps ran (or failed). */
  readonly pool?: string;
  /** Finalize's run status, when it ran. */
  readonly runStatus?: string;
  /** PrepareRun's SKIP reason, when the day was skipped. */
  readonly skipped?: string;
  /** Map iterations that failed outright (no result state): redrive reruns exactly these. */
  readonly failedIterations: number;
  /** The execution's failure, when it failed. */
  readonly failure?: { readonly error: string; readonly cause: string };
}

/**
 * The states whose output is a branch's result: PlanRebalance ends a per-book branch's planning iteration
 * (PLANNED), Execute its execution iteration (its outcome, later in the history, so it wins).
 */
const RESULT_STATES = new Set<string>([
  'PlanRebalance',
  'Execute',
  StateNames.PoolMemberResult,
  StateNames.BranchFailed,
  StateNames.ExecuteFailed,
  StateNames.RetriedResult,
]);

const parse = (text: string | undefined): Record<string, unknown> => {
  try {
    const v = JSON.parse(text ?? 'null') as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Summarize the events of one execution (all pages, in order). */
export const summarizeHistory = (events: readonly HistoryEvent[]): ExecutionSummary => {
  const branches = new Map<string, BranchOutcome>();
  let pool: string | undefined;
  let runStatus: string | undefined;
  let skipped: string | undefined;
  let failedIterations = 0;
  let failure: ExecutionSummary['failure'];
  for (const e of events) {
    const exited = e.stateExitedEventDetails;
    if (exited?.name && RESULT_STATES.has(exited.name)) {
      const o = parse(exited.output);
      const strategyId = str(o.strategyId);
      if (strategyId) {
        const err = o.error as { name?: string; message?: string } | undefined;
        branches.set(strategyId, {
          strategyId,
          flow: str(o.flow) ?? '?',
          outcome: str(o.outcome) ?? '?',
          ...(err?.name ? { error: `${err.name}: ${err.message ?? ''}`.trim() } : {}),
        });
      }
    } else if (
      (exited?.name && taskOfStateName(exited.name) === 'ExecutePool') ||
      exited?.name === StateNames.PoolFailed ||
      exited?.name === StateNames.PoolExecutionFailed
    ) {
      const p = parse(exited.output).pool as { outcome?: unknown } | undefined;
      const failedState =
        exited.name === StateNames.PoolFailed || exited.name === StateNames.PoolExecutionFailed;
      pool = str(p?.outcome) ?? (failedState ? 'FAILED' : pool);
    } else if (exited?.name === 'Finalize') {
      const f = parse(exited.output).finalize as { status?: unknown } | undefined;
      runStatus = str(f?.status) ?? runStatus;
    } else if (exited?.name === 'FinalizeRetried') {
      runStatus = str(parse(exited.output).status) ?? runStatus;
    } else if (exited?.name === StateNames.Skipped) {
      skipped = str(parse(exited.output).reason) ?? 'skipped';
    }
    if (e.type === 'MapIterationFailed' || e.type === 'MapIterationAborted') failedIterations += 1;
    if (e.executionFailedEventDetails) {
      failure = {
        error: e.executionFailedEventDetails.error ?? 'unknown',
        cause: e.executionFailedEventDetails.cause ?? '',
      };
    }
    if (e.type === 'ExecutionRedriven') failedIterations = 0;
  }
  return {
    branches: [...branches.values()].sort((a, b) => a.strategyId.localeCompare(b.strategyId)),
    ...(pool ? { pool } : {}),
    ...(runStatus ? { runStatus } : {}),
    ...(skipped ? { skipped } : {}),
    failedIterations,
    ...(failure ? { failure } : {}),
  };
};
