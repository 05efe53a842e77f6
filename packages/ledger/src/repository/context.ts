/**
 * What every repository function takes and how it writes: the context (service, clock, retry budget), error
 * wrapping that fails closed, conditional and create-once writes, and the equality a replay is judged by.
 */
import { isEnsembleError } from '@ensemble/core';
import { isConditionalCheckFailed, LedgerPersistenceError } from '../errors.ts';
import type { LedgerService } from '../service.ts';
import type { RecordResult } from '../types.ts';

/** Dependencies of every repository function. */
export interface Ctx {
  svc: LedgerService;
  /** Source of `createdAt`/`updatedAt`/`recordedAt`; inject a fixed clock for deterministic state. */
  now: () => string;
  /** Attempts of an optimistic read → compute → conditional write before giving up. */
  maxAttempts: number;
}

/** Run a DynamoDB operation; anything that is not already a ledger error is wrapped with its cause. */
export const guard = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    if (isEnsembleError(e)) throw e;
    throw new LedgerPersistenceError(operation, { cause: e });
  }
};

/** Run a conditional write: `true` if written, `false` if the condition failed; anything else throws. */
export const conditional = async (operation: string, write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return false;
    if (isEnsembleError(e)) throw e;
    throw new LedgerPersistenceError(operation, { cause: e });
  }
};

/**
 * A conditional write that returns what it stored (ElectroDB `response: 'all_new'`): the stored item, or
 * null when the condition failed; anything else throws.
 */
export const conditionalItem = async <T>(
  operation: string,
  write: () => Promise<{ data: T }>,
): Promise<T | null> => {
  let stored: T | null = null;
  const ok = await conditional(operation, async () => {
    stored = (await write()).data;
  });
  return ok ? stored : null;
};

/**
 * Create a record once: `created` if this call wrote it, `exists` if an equal one was there (a replay),
 * `conflict` if a different one was there. `same` compares only caller-supplied fields.
 */
export const createOnce = async <T>(
  operation: string,
  item: T,
  write: () => Promise<unknown>,
  read: () => Promise<T | null>,
  same: (existing: T) => boolean,
): Promise<RecordResult<T>> => {
  if (await conditional(operation, write)) return { status: 'created', item };
  const existing = await guard(operation, read);
  if (existing === null) {
    throw new LedgerPersistenceError(operation, { cause: new Error('condition failed but no item found') });
  }
  return same(existing) ? { status: 'exists', item: existing } : { status: 'conflict', current: existing };
};

export { jsonEqual, sameOn } from './records.ts';
