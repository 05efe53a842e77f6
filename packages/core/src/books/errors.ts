/**
 * Errors of the book math. All terminal: a bad price, an impossible fill or an over-committed allocation
 * will not be cured by a retry.
 */
import { EnsembleError, ErrorNames, withIssues } from '../errors.ts';

/** A price needed for sizing or valuation is missing, zero, negative or not a decimal. */
export class PriceInvalidError extends EnsembleError {
  override readonly name = ErrorNames.PriceInvalid;
  constructor(
    readonly symbol: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${symbol}: ${detail}`, options);
  }
}

/** An operation would break a book invariant (sell more than held, unknown pool member, bad shares...). */
export class BookInvariantError extends EnsembleError {
  override readonly name = ErrorNames.BookInvariant;
  constructor(
    message: string,
    readonly bookId?: string,
    options?: { cause?: unknown },
  ) {
    super(bookId ? `${bookId}: ${message}` : message, options);
  }
}

/** Capital allocations are invalid: they over-commit the account, or name unknown books. */
export class AllocationInvalidError extends EnsembleError {
  override readonly name = ErrorNames.AllocationInvalid;
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(withIssues(message, issues), options);
  }
}
