/**
 * Errors of the workflow package, with stable names. Core's `EnsembleError` types `name` as core's own
 * catalog, so (like the ledger) this package keeps the same shape — stable `name`, `retryable` — in its own
 * catalog. None of these is thrown inside a task: they reject bad runner options and impossible redrives.
 */

/** Every error name the workflow package throws. */
export const WorkflowErrorNames = {
  ConfigInvalid: 'WorkflowConfigInvalidError',
  NotRedrivable: 'ExecutionNotRedrivableError',
} as const;

export type WorkflowErrorName = (typeof WorkflowErrorNames)[keyof typeof WorkflowErrorNames];

/** Base of every workflow error. */
export abstract class WorkflowError extends Error {
  abstract override readonly name: WorkflowErrorName;
  abstract readonly retryable: boolean;
}

/** The definition options or the runner options are invalid (missing handler, MaxConcurrency out of range...). */
export class WorkflowConfigInvalidError extends WorkflowError {
  override readonly name = WorkflowErrorNames.ConfigInvalid;
  readonly retryable = false;
}

/** A redrive was asked of an execution that has nothing to redrive, or whose event log cannot be read. */
export class ExecutionNotRedrivableError extends WorkflowError {
  override readonly name = WorkflowErrorNames.NotRedrivable;
  readonly retryable = false;
  constructor(
    readonly executionName: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`execution ${executionName} cannot be redriven: ${detail}`, options);
  }
}
