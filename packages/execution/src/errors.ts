/**
 * Errors of the execution layer, with stable names. Core's `EnsembleError` types `name` as core's own
 * catalog, so (like the ledger) execution keeps the same shape — stable `name`, `retryable`, `cause` — in its
 * own catalog. Broker errors (`SymbolBusy`, `BrokerUnavailable`...) are core's and pass through unchanged.
 */

/** Every error name the execution layer throws. */
export const ExecutionErrorNames = {
  InputInvalid: 'ExecutionInputInvalidError',
  Invariant: 'ExecutionInvariantError',
} as const;

export type ExecutionErrorName = (typeof ExecutionErrorNames)[keyof typeof ExecutionErrorNames];

/** Base of every execution error. */
export abstract class ExecutionError extends Error {
  abstract override readonly name: ExecutionErrorName;
  abstract readonly retryable: boolean;
}

/** The input of a step is invalid (bad id component, notional-only plan line, bad rail settings...). */
export class ExecutionInputInvalidError extends ExecutionError {
  override readonly name = ExecutionErrorNames.InputInvalid;
  readonly retryable = false;
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length > 0 ? `${message}\n  - ${issues.join('\n  - ')}` : message);
  }
}

/**
 * The ledger and the broker disagree in a way execution cannot resolve on its own (an order the ledger
 * says was submitted is unknown to the broker, the broker's cumulative fill went backwards, a recorded
 * intent differs from the plan). Terminal: an operator must look.
 */
export class ExecutionInvariantError extends ExecutionError {
  override readonly name = ExecutionErrorNames.Invariant;
  readonly retryable = false;
  constructor(
    message: string,
    readonly clientOrderId?: string,
  ) {
    super(clientOrderId === undefined ? message : `${clientOrderId}: ${message}`);
  }
}

/** True if `e` is an execution error (by class or by name, across realms). */
export const isExecutionError = (e: unknown): e is ExecutionError =>
  e instanceof ExecutionError ||
  (e instanceof Error && (Object.values(ExecutionErrorNames) as string[]).includes(e.name));
