/**
 * Errors of the application steps; names and traits are in core's {@link ErrorCatalog} (Step Functions
 * `Catch` and the ledger see `name`). A missing snapshot blocks; the others are terminal: a retry would
 * see the same state.
 */
import { EnsembleError, ErrorNames, withIssues } from '@ensemble/core';

/** The market-data snapshot a branch was given by reference is not in the store. */
export class SnapshotNotFoundError extends EnsembleError {
  override readonly name = ErrorNames.SnapshotNotFound;
  constructor(readonly ref: string) {
    super(`market-data snapshot ${ref} not found`);
  }
}

/** A branch names a strategy the loaded configuration does not have (or has disabled). */
export class UnknownStrategyError extends EnsembleError {
  override readonly name = ErrorNames.UnknownStrategy;
  constructor(readonly strategyId: string) {
    super(`strategy ${strategyId} is not an enabled strategy of the configuration`);
  }
}

/** A step ran before the step it depends on recorded its result (e.g. PlanRebalance without a signal). */
export class StepOrderError extends EnsembleError {
  override readonly name = ErrorNames.StepOrder;
}

/** A step that trades found its run missing or no longer RUNNING (fail closed: never trade outside a run). */
export class RunNotActiveError extends EnsembleError {
  override readonly name = ErrorNames.RunNotActive;
  constructor(
    readonly runId: string,
    readonly status: string | null,
  ) {
    super(status === null ? `run ${runId} does not exist` : `run ${runId} is ${status}, not RUNNING`);
  }
}

/**
 * The ledger already holds a record under this key with other content (e.g. a signal with other weights):
 * the step refuses to overwrite history. Terminal: an operator must look.
 */
export class RecordConflictError extends EnsembleError {
  override readonly name = ErrorNames.RecordConflict;
  constructor(
    readonly kind: string,
    readonly key: string,
  ) {
    super(`a different ${kind} is already recorded for ${key}`);
  }
}

/**
 * A shadow step ran in a context without shadow mode's ports (`AppContext.shadow`), or was asked for a paper
 * book that is not the pool's nor a strategy's. Terminal; its Catch keeps it to shadow mode.
 */
export class ShadowUnavailableError extends EnsembleError {
  override readonly name = ErrorNames.ShadowUnavailable;
}

/** A task was given input its contract schema rejects (a wiring bug in the state machine, or a bad start). */
export class TaskInputInvalidError extends EnsembleError {
  override readonly name = ErrorNames.TaskInputInvalid;
  constructor(
    readonly task: string,
    readonly issues: readonly string[],
  ) {
    super(withIssues(`invalid input of ${task}:`, issues));
  }
}

/** A step produced output its contract schema rejects (a bug: the output never leaves). */
export class TaskOutputInvalidError extends EnsembleError {
  override readonly name = ErrorNames.TaskOutputInvalid;
  constructor(
    readonly task: string,
    readonly issues: readonly string[],
  ) {
    super(withIssues(`invalid output of ${task}:`, issues));
  }
}

/** Zod issues as `path: message` lines. */
export const issueLines = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] =>
  issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
