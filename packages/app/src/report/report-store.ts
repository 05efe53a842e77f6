/**
 * ReportStore: where Finalize puts the day's report (its JSON and its HTML page), under `reports/`. Three
 * implementations: a local folder (the CLI: `<home>/reports/…`), memory (tests), and the stage's S3 bucket
 * (Lambda, in `@ensemble/functions`). A write that fails is thrown, never dropped.
 */

import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { checkKey } from '../snapshot-store.ts';

/** The port: text objects by key; `put` answers where the object now is (a path, an `s3://` URI). */
export interface ReportStore {
  put(key: string, body: string, contentType: string): Promise<string>;
}

/** A {@link ReportStore} over a local directory: one file per key, written atomically. */
export const createLocalReportStore = (dir: string): ReportStore => {
  const root = resolve(dir);
  return {
    async put(key, body) {
      const path = resolve(root, checkKey(key));
      if (!path.startsWith(root + sep)) throw new TypeError(`report key ${key} escapes ${root}`);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${randomUUID()}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, path);
      return path;
    },
  };
};

/** What a memory store holds: the body and content type of each key. */
export type StoredReports = Map<string, { readonly body: string; readonly contentType: string }>;

/** A {@link ReportStore} in memory; `objects` shows what was written. */
export const createMemoryReportStore = (): ReportStore & { readonly objects: StoredReports } => {
  const objects: StoredReports = new Map();
  return {
    objects,
    async put(key, body, contentType) {
      objects.set(checkKey(key), { body, contentType });
      return `memory:${key}`;
    },
  };
};
