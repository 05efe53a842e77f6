/**
 * SnapshotStore: where PrepareRun puts the run's market data once and the branches read it by reference.
 * Keys are content-addressed (see market-snapshot.ts), so an object never changes once written: a retried
 * put writes the same bytes, and a reader may cache by key. Two implementations: a local directory (the
 * CLI), memory (the backtest, tests), and an S3 bucket (Lambda, in `@ensemble/functions`). Failures other
 * than "no such key" are thrown, never read as empty.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

/** The port: JSON values by key. */
export interface SnapshotStore {
  /**
   * Store `value` (JSON-serializable) under `key`, replacing what was there. `json`, when the caller has it
   * already, is `JSON.stringify(value)` (stored as is: the value is not serialized twice).
   */
  put(key: string, value: unknown, json?: string): Promise<void>;
  /** The value under `key`, or null when there is none. */
  get(key: string): Promise<unknown | null>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,511}$/;

/** Throws unless `key` is a plain relative key (letters, digits, `._-/`, no `..`). */
export const checkKey = (key: string): string => {
  if (!KEY.test(key) || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new TypeError(`invalid snapshot key ${JSON.stringify(key)}`);
  }
  return key;
};

/** A {@link SnapshotStore} over a local directory: one `<key>` file per value, written atomically. */
export const createLocalSnapshotStore = (dir: string): SnapshotStore => {
  const root = resolve(dir);
  const pathOf = (key: string): string => {
    const path = resolve(root, checkKey(key));
    if (!path.startsWith(root + sep)) throw new TypeError(`snapshot key ${key} escapes ${root}`);
    return path;
  };
  return {
    async put(key, value, json) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${randomUUID()}.tmp`;
      await writeFile(tmp, json ?? JSON.stringify(value));
      await rename(tmp, path);
    },
    async get(key) {
      let text: string;
      try {
        text = await readFile(pathOf(key), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      return JSON.parse(text) as unknown;
    },
  };
};

/** Options of {@link createMemorySnapshotStore}. */
export interface MemorySnapshotStoreOptions {
  /**
   * Keep only the last `keep` snapshots written (the oldest is dropped): a process that runs day after
   * day (the backtest) reads only the current day's, and would otherwise hold every day's in memory.
   * @default all
   */
  readonly keep?: number;
}

/**
 * A {@link SnapshotStore} in memory. Values are stored as JSON text, so a reader gets a fresh copy, as it
 * would from a file or S3 (nobody can change a stored snapshot through a reference).
 */
export const createMemorySnapshotStore = (options: MemorySnapshotStoreOptions = {}): SnapshotStore => {
  const values = new Map<string, string>();
  const keep = options.keep ?? Number.POSITIVE_INFINITY;
  return {
    async put(key, value, json) {
      const k = checkKey(key);
      values.delete(k);
      values.set(k, json ?? JSON.stringify(value));
      // A Map iterates in insertion order: the first key is the oldest written.
      while (values.size > keep) values.delete(values.keys().next().value!);
    },
    async get(key) {
      const text = values.get(checkKey(key));
      return text === undefined ? null : (JSON.parse(text) as unknown);
    },
  };
};
