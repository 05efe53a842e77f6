/**
 * Errors of the ledger, with stable names. Core's `EnsembleError` types `name` as core's own catalog, so the
 * ledger keeps the same shape (stable `name`, `retryable`, `cause`) in its own catalog until core lists these.
 * Conditional-check failures are not errors here: they come back as domain results (`conflict`, `exists`).
 */

/** Every error name the ledger throws. */
export const LedgerErrorNames = {
  Persistence: 'LedgerPersistenceError',
  Contention: 'LedgerContentionError',
  Invariant: 'LedgerInvariantError',
  NotFound: 'LedgerNotFoundError',
} as const;

export type LedgerErrorName = (typeof LedgerErrorNames)[keyof typeof LedgerErrorNames];

/** Base of every ledger error. */
export abstract class LedgerError extends Error {
  abstract override readonly name: LedgerErrorName;
  abstract readonly retryable: boolean;
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

/** True if `e` is a ledger error (by class or by name, across realms). */
export const isLedgerError = (e: unknown): e is LedgerError =>
  e instanceof LedgerError ||
  (e instanceof Error && (Object.values(LedgerErrorNames) as string[]).includes(e.name));

/** True if `e` is DynamoDB's answer to a failed condition expression. */
export const isConditionalCheckFailed = (e: unknown): boolean =>
  e instanceof Error && e.name === 'ConditionalCheckFailedException';
