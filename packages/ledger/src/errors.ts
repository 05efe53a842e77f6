/**
 * Errors of the ledger; names and traits (persistence and contention are retryable) are in core's
 * {@link ErrorCatalog}. Conditional-check failures are not errors here: they come back as domain results
 * (`conflict`, `exists`).
 */
import { EnsembleError, ErrorNames, withIssues } from '@ensemble/core';

/** DynamoDB failed (network, throttling, validation): wrapped with its cause and rethrown, never swallowed. */
export class LedgerPersistenceError extends EnsembleError {
  override readonly name = ErrorNames.LedgerPersistence;
  constructor(
    readonly operation: string,
    options: { cause: unknown },
  ) {
    super(
      `ledger ${operation} failed: ${String((options.cause as Error)?.message ?? options.cause)}`,
      options,
    );
  }
}

/** An optimistic update kept losing to concurrent writers; retrying the step later is safe. */
export class LedgerContentionError extends EnsembleError {
  override readonly name = ErrorNames.LedgerContention;
  constructor(
    readonly key: string,
    readonly attempts: number,
  ) {
    super(`ledger item ${key} still contended after ${attempts} attempts`);
  }
}

/** A write would break a ledger invariant (negative position, unknown fill, mismatched transfer). */
export class LedgerInvariantError extends EnsembleError {
  override readonly name = ErrorNames.LedgerInvariant;
}

/** A record a write depends on does not exist. */
export class LedgerNotFoundError extends EnsembleError {
  override readonly name = ErrorNames.LedgerNotFound;
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`${kind} ${id} not found`);
  }
}

/** The input of a ledger operation (flip, funding, capital rebalance) is invalid; nothing was written. */
export class LedgerInputInvalidError extends EnsembleError {
  override readonly name = ErrorNames.LedgerInputInvalid;
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(withIssues(message, issues));
  }
}

/** True if `e` is DynamoDB's answer to a failed condition expression. */
export const isConditionalCheckFailed = (e: unknown): boolean =>
  e instanceof Error && e.name === 'ConditionalCheckFailedException';
