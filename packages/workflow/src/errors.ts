/**
 * Errors of the workflow package; names and traits are in core's {@link ErrorCatalog}. None of these is
 * thrown inside a task: they reject bad runner options and impossible redrives.
 */
import { EnsembleError, ErrorNames } from '@ensemble/core';

/** The definition options or the runner options are invalid (missing handler, MaxConcurrency out of range...). */
export class WorkflowConfigInvalidError extends EnsembleError {
  override readonly name = ErrorNames.WorkflowConfigInvalid;
}

/** A redrive was asked of an execution that has nothing to redrive, or whose event log cannot be read. */
export class ExecutionNotRedrivableError extends EnsembleError {
  override readonly name = ErrorNames.ExecutionNotRedrivable;
  constructor(
    readonly executionName: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`execution ${executionName} cannot be redriven: ${detail}`, options);
  }
}
