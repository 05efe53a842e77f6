/**
 * One kind of record in memory: rows by primary key, and the access patterns of the DynamoDB table as
 * sorted indexes (a partition, then a sort key; the DynamoDB repository's key layouts, entities/indexes.ts).
 * Rows are stored as frozen deep copies without undefined values (as DynamoDB stores an item), so nothing a
 * caller holds can change the ledger, and a read hands out the stored row itself.
 */
import type { Page, PageOptions } from '../types.ts';

/** Sort keys are composites joined by this character, which sorts before every character of an id or a day. */
export const SEP = '\u0000';

/** Default page size (as the DynamoDB repository's). */
export const DEFAULT_LIMIT = 100;

/** A frozen deep copy of a JSON-like value, dropping undefined object values. */
export const frozenCopy = <T>(value: T): T => {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const out: Record<string, unknown> = {};
  const from = value as Record<string, unknown>;
  for (const k in from) {
    const v = from[k];
    if (v !== undefined) out[k] = typeof v === 'object' && v !== null ? frozenCopy(v) : v;
  }
  return Object.freeze(out) as T;
};

/** The opaque cursor of a page ending at sort key `sort`. */
export const cursorOf = (sort: string): string => Buffer.from(sort, 'utf8').toString('base64url');

/** The sort key a cursor continues after. */
export const sortOfCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString('utf8');

/** A stored row; its index entries share it, so a read through an index needs no lookup by key. */
interface Cell<T> {
  row: T;
}

interface Entry<T = unknown> {
  readonly sort: string;
  readonly cell: Cell<T>;
}

/** First index in `entries` whose sort key is not below `sort` (`strict`: not at or below). */
const lowerBound = (entries: readonly Entry[], sort: string, strict = false): number => {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = entries[mid]!.sort;
    if (s < sort || (strict && s === sort)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** How a query walks one partition of an index. */
export interface RangeQuery<T> extends PageOptions {
  /** Lowest sort key, inclusive. */
  readonly from?: string;
  /** Sort keys must start at or below this prefix (inclusive: `to` + anything still matches). */
  readonly to?: string;
  /** Keep only rows passing this filter (pages still hold `limit` rows, as ElectroDB's `count`). */
  readonly where?: (row: T) => boolean;
}

/**
 * An access pattern: a row's partition and its sort key within it. A sparse index (as a DynamoDB index on an
 * attribute only some items have) leaves out the rows whose partition is null.
 */
export interface IndexSpec<T> {
  partition(row: T): string | null;
  sort(row: T): string;
}

/** The rows of one record kind and its indexes. */
export class Table<T extends object> {
  readonly #rows = new Map<string, Cell<T>>();
  readonly #indexes = new Map<string, { spec: IndexSpec<T>; parts: Map<string, Entry<T>[]> }>();

  /** `key` is the row's primary key; `indexes` its access patterns by name. */
  constructor(
    readonly key: (row: T) => string,
    indexes: Record<string, IndexSpec<T>> = {},
  ) {
    for (const [name, spec] of Object.entries(indexes)) this.#indexes.set(name, { spec, parts: new Map() });
  }

  /** The row under `key`, or undefined. */
  get(key: string): T | undefined {
    return this.#rows.get(key)?.row;
  }

  /** Store `row` (a frozen copy, which is returned) and index it. Index keys never change once written. */
  put(row: T): T {
    const stored = frozenCopy(row);
    const key = this.key(stored);
    const cell = this.#rows.get(key);
    if (cell) cell.row = stored;
    else {
      const added = { row: stored };
      this.#rows.set(key, added);
      for (const { spec, parts } of this.#indexes.values()) {
        const partition = spec.partition(stored);
        if (partition === null) continue;
        const sort = spec.sort(stored);
        let entries = parts.get(partition);
        if (!entries) parts.set(partition, (entries = []));
        const at = lowerBound(entries, sort);
        if (entries[at]?.sort !== sort) entries.splice(at, 0, { sort, cell: added });
      }
    }
    return stored;
  }

  /** Remove the row under `key` (and its index entries). */
  delete(key: string): void {
    const cell = this.#rows.get(key);
    if (!cell) return;
    const { row } = cell;
    this.#rows.delete(key);
    for (const { spec, parts } of this.#indexes.values()) {
      const partition = spec.partition(row);
      if (partition === null) continue;
      const entries = parts.get(partition);
      const at = entries ? lowerBound(entries, spec.sort(row)) : -1;
      if (entries && entries[at]?.cell === cell) entries.splice(at, 1);
    }
  }

  /** Every row, by primary key. */
  rows(): T[] {
    return [...this.#rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c.row);
  }

  /** One page of a partition of index `name`, in sort-key order; `cursor` continues after the last row. */
  page(name: string, partition: string, query: RangeQuery<T> = {}): Page<T> {
    const entries = this.#entries(name, partition);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const hi = query.to === undefined ? undefined : `${query.to}\uffff`;
    let i =
      query.cursor != null
        ? lowerBound(entries, sortOfCursor(query.cursor), true)
        : query.from === undefined
          ? 0
          : lowerBound(entries, query.from);
    const data: T[] = [];
    let last = '';
    for (; i < entries.length; i++) {
      const e = entries[i]!;
      if (hi !== undefined && e.sort > hi) break;
      const row = e.cell.row;
      if (query.where && !query.where(row)) continue;
      if (data.length === limit) return { data, cursor: cursorOf(last) };
      data.push(row);
      last = e.sort;
    }
    return { data, cursor: null };
  }

  /** Every row of a partition of index `name`, in sort-key order. */
  all(name: string, partition: string): T[] {
    return this.#entries(name, partition).map((e) => e.cell.row);
  }

  /** Every row of a partition of index `name` with its sort key, in sort-key order. */
  sorted(name: string, partition: string): { sort: string; row: T }[] {
    return this.#entries(name, partition).map((e) => ({ sort: e.sort, row: e.cell.row }));
  }

  #entries(name: string, partition: string): readonly Entry<T>[] {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`no index ${name}`);
    return index.parts.get(partition) ?? [];
  }
}

/** A composite key of parts, in order. */
export const composite = (...parts: readonly string[]): string => parts.join(SEP);
