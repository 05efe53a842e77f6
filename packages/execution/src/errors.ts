/**
 * Errors of the execution layer. Names and traits are in core's {@link ErrorCatalog}; broker errors
 * (`SymbolBusy`, `BrokerUnavailable`...) are core's and pass through unchanged.
 */
import { EnsembleError, ErrorNames, withIssues } from '@ensemble/core';

/** The input of a step is invalid (bad id component, notional-only plan line, bad rail settings...). */
export class ExecutionInputInvalidError extends EnsembleError {
  override readonly name = ErrorNames.ExecutionInputInvalid;
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(withIssues(message, issues));
  }
}

/**
 * The ledger and the broker disagree in a way execution cannot resolve on its own (an order the ledger
 * says was submitted is unknown to the broker, the broker's cumulative fill went backwards, a recorded
 * intent differs from the plan). Terminal: an operator must look.
 */
export class ExecutionInvariantError extends EnsembleError {
  override readonly name = ErrorNames.ExecutionInvariant;
  constructor(
    message: string,
    readonly clientOrderId?: string,
  ) {
    super(clientOrderId === undefined ? message : `${clientOrderId}: ${message}`);
  }
}
