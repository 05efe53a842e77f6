/**
 * Errors of the ledger, with stable names listed in core's `ErrorNames` catalog; every one extends core's
 * `EnsembleError` (stable `name`, `retryable`, `cause`). Conditional-check failures are not errors here:
 * they come back as domain results (`conflict`, `exists`).
 */
import { EnsembleError, ErrorNames } from '@ensemble/core';

/** Every error name the ledger throws (a slice of core's catalog). */
export const LedgerErrorNames = {
  Persistence: ErrorNames.LedgerPersistence,
  Contention: ErrorNames.LedgerContention,
  Invariant: ErrorNames.LedgerInvariant,
  NotFound: ErrorNames.LedgerNotFound,
  InputInvalid: ErrorNames.LedgerInputInvalid,
} as const;

export type LedgerErrorName = (typeof LedgerErrorNames)[keyof typeof LedgerErrorNames];

/** Base of every ledger error. */
export abstract class LedgerError extends EnsembleError {
  abstract override readonly name: LedgerErrorName;
}

/** DynamoDB failed (network, throttling, validation): wrapped with its cause and rethrown, never swallowed. */
export class LedgerPersistenceError extends LedgerError {
  override readonly name = LedgerErrorNames.Persistence;
  readonly retryable = true;
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
export class LedgerContentionError extends LedgerError {
  override readonly name = LedgerErrorNames.Contention;
  readonly retryable = true;
  constructor(
    readonly key: string,
    readonly attempts: number,
  ) {
    super(`ledger item ${key} still contended after ${attempts} attempts`);
  }
}

/** A write would break a ledger invariant (negative position, unknown fill, mismatched transfer). */
export class LedgerInvariantError extends LedgerError {
  override readonly name = LedgerErrorNames.Invariant;
  readonly retryable = false;
}

/** A record a write depends on does not exist. */
export class LedgerNotFoundError extends LedgerError {
  override readonly name = LedgerErrorNames.NotFound;
  readonly retryable = false;
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`${kind} ${id} not found`);
  }
}

/** The input of a ledger operation (flip, funding, capital rebalance) is invalid; nothing was written. */
export class LedgerInputInvalidError extends LedgerError {
  override readonly name = LedgerErrorNames.InputInvalid;
  readonly retryable = false;
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length > 0 ? `${message}\n  - ${issues.join('\n  - ')}` : message);
  }
}

/** True if `e` is a ledger error (by class or by name, across realms). */
export const isLedgerError = (e: unknown): e is LedgerError =>
  e instanceof LedgerError ||
  (e instanceof Error && (Object.values(LedgerErrorNames) as string[]).includes(e.name));

/** True if `e` is DynamoDB's answer to a failed condition expression. */
export const isConditionalCheckFailed = (e: unknown): boolean =>
  e instanceof Error && e.name === 'ConditionalCheckFailedException';
