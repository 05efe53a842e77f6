/**
 * What every repository module shares: the context (service, clock, retry budget), error wrapping that fails
 * closed, create-once writes, paging and day arithmetic,.
 */
import { isConditionalCheckFailed, isLedgerError, LedgerPersistenceError } from '../errors.ts';
import type { LedgerService } from '../service.ts';
import type { DayRangeOptions, PageOptions, RecordResult } from '../types.ts';

/** Dependencies of every repository function. */
export interface Ctx {
  svc: LedgerService;
  /** Source of `createdAt`/`updatedAt`/`recordedAt`; inject a fixed clock for deterministic state. */
  now: () => string;
  /** Attempts of an optimistic read → compute → conditional write before giving up. */
  maxAttempts: number;
}

/** Default page size. */
export const DEFAULT_LIMIT = 100;

/** Run a DynamoDB operation; anything that is not already a ledger error is wrapped with its cause. */
export const guard = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    if (isLedgerError(e)) throw e;
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
    if (isLedgerError(e)) throw e;
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

/** The entries of an object or array whose value is defined. */
const definedEntries = (o: object): [string, unknown][] =>
  Object.entries(o).filter(([, v]) => v !== undefined);

/** Deep equality of plain JSON-like values (key order ignored; undefined values count as absent). */
export const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ea = definedEntries(a);
  const eb = new Map(definedEntries(b));
  return ea.length === eb.size && ea.every(([k, v]) => eb.has(k) && jsonEqual(v, eb.get(k)));
};

/** True if `existing` equals `input` on every key of `input` that is defined. */
export const sameOn = <T extends object>(input: T, existing: T, keys: readonly (keyof T)[]): boolean =>
  keys.every((k) => input[k] === undefined || jsonEqual(input[k], existing[k]));

/** ElectroDB query options for one page. */
export const pageOf = (options: PageOptions = {}) => ({
  cursor: options.cursor ?? null,
  count: options.limit ?? DEFAULT_LIMIT,
  originalErr: true as const,
});

/** The day after `day` (`YYYY-MM-DD`), used as an exclusive upper bound on composite sort keys. */
export const dayAfter = (day: string): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** Bounds of a day range over a sort key whose first composite is the day. */
export const dayBounds = (options: DayRangeOptions): { from: string; toExclusive: string } => ({
  from: options.from ?? '0000-01-01',
  toExclusive: options.to === undefined ? '9999-12-31' : dayAfter(options.to),
});
