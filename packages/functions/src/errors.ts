/**
 * Errors of the workflow steps, with stable names (Step Functions `Catch` and the ledger see `name`), and
 * the one classification of any error name into a branch outcome. Core's `EnsembleError` types `name` as
 * core's catalog, so, like the ledger, this package keeps the same shape in its own catalog.
 */
import { ErrorNames } from '@ensemble/core';

/** Every error name this package throws. */
export const FunctionErrorNames = {
  SnapshotNotFound: 'SnapshotNotFoundError',
  UnknownStrategy: 'UnknownStrategyError',
  StepOrder: 'StepOrderError',
  RunNotActive: 'RunNotActiveError',
  EnvInvalid: 'EnvInvalidError',
  RecordConflict: 'RecordConflictError',
  TaskInputInvalid: 'TaskInputInvalidError',
  TaskOutputInvalid: 'TaskOutputInvalidError',
} as const;

export type FunctionErrorName = (typeof FunctionErrorNames)[keyof typeof FunctionErrorNames];

/** Base of every error raised by a step. All are terminal: a retry would see the same state. */
export abstract class FunctionError extends Error {
  abstract override readonly name: FunctionErrorName;
  readonly retryable: boolean = false;
}

/** The market-data snapshot a branch was given by reference is not in the store. */
export class SnapshotNotFoundError extends FunctionError {
  override readonly name = FunctionErrorNames.SnapshotNotFound;
  constructor(readonly ref: string) {
    super(`market-data snapshot ${ref} not found`);
  }
}

/** A branch names a strategy the loaded configuration does not have (or has disabled). */
export class UnknownStrategyError extends FunctionError {
  override readonly name = FunctionErrorNames.UnknownStrategy;
  constructor(readonly strategyId: string) {
    super(`strategy ${strategyId} is not an enabled strategy of the configuration`);
  }
}

/** A step ran before the step it depends on recorded its result (e.g. PlanRebalance without a signal). */
export class StepOrderError extends FunctionError {
  override readonly name = FunctionErrorNames.StepOrder;
}

/** A step that trades found its run missing or no longer RUNNING (fail closed: never trade outside a run). */
export class RunNotActiveError extends FunctionError {
  override readonly name = FunctionErrorNames.RunNotActive;
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
export class RecordConflictError extends FunctionError {
  override readonly name = FunctionErrorNames.RecordConflict;
  constructor(
    readonly kind: string,
    readonly key: string,
  ) {
    super(`a different ${kind} is already recorded for ${key}`);
  }
}

/** A task was given input its contract schema rejects (a wiring bug in the state machine, or a bad start). */
export class TaskInputInvalidError extends FunctionError {
  override readonly name = FunctionErrorNames.TaskInputInvalid;
  constructor(
    readonly task: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid input of ${task}:\n  - ${issues.join('\n  - ')}`);
  }
}

/** A step produced output its contract schema rejects (a bug: the output never leaves). */
export class TaskOutputInvalidError extends FunctionError {
  override readonly name = FunctionErrorNames.TaskOutputInvalid;
  constructor(
    readonly task: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid output of ${task}:\n  - ${issues.join('\n  - ')}`);
  }
}

/** Zod issues as `path: message` lines. */
export const issueLines = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] =>
  issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);

/** The Lambda environment is missing or has an invalid variable (raised at cold start). */
export class EnvInvalidError extends FunctionError {
  override readonly name = FunctionErrorNames.EnvInvalid;
  constructor(readonly issues: readonly string[]) {
    super(`invalid environment:\n  - ${issues.join('\n  - ')}`);
  }
}

/**
 * Errors meaning "the inputs are not fit to trade on" rather than "something broke": data missing, stale or
 * malformed, a price unusable, the market closed, or a safety rail refusing. A branch ending with one is
 * BLOCKED; any other error is FAILED.
 */
const BLOCKING_NAMES: ReadonlySet<string> = new Set([
  ErrorNames.MissingData,
  ErrorNames.InsufficientData,
  ErrorNames.MarketDataInvalid,
  ErrorNames.PriceInvalid,
  ErrorNames.MarketClosed,
  FunctionErrorNames.SnapshotNotFound,
]);

/** Outcome of a branch that ended with the error named `name`. Rail errors (`*Rail*`, kill switch) block. */
export const outcomeOfError = (name: string): 'FAILED' | 'BLOCKED' =>
  BLOCKING_NAMES.has(name) || /rail|killswitch|kill-switch/i.test(name) ? 'BLOCKED' : 'FAILED';

/** `{ name, message }` of anything thrown, for the ledger and the step output. */
export const describeError = (e: unknown): { name: string; message: string } => {
  if (e instanceof Error) return { name: e.name || 'Error', message: e.message };
  return { name: 'Error', message: String(e) };
};
