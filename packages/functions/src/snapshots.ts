/**
 * SnapshotStore: where PrepareRun puts the run's market data once and the branches read it by reference.
 * Keys are content-addressed (see market-snapshot.ts), so an object never changes once written: a retried
 * put writes the same bytes, and a reader may cache by key. Two implementations: a local directory (the
 * CLI, tests) and an S3 bucket (Lambda). Failures other than "no such key" are thrown, never read as empty.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** The port: JSON values by key. */
export interface SnapshotStore {
  /** Store `value` (JSON-serializable) under `key`, replacing what was there. */
  put(key: string, value: unknown): Promise<void>;
  /** The value under `key`, or null when there is none. */
  get(key: string): Promise<unknown | null>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,511}$/;

/** Throws unless `key` is a plain relative key (letters, digits, `._-/`, no `..`). */
const checkKey = (key: string): string => {
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
    async put(key, value) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${randomUUID()}.tmp`;
      await writeFile(tmp, JSON.stringify(value));
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

/** Options of {@link createS3SnapshotStore}. */
export interface S3SnapshotStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prefix of every key. @default '' */
  readonly prefix?: string;
}

/** A {@link SnapshotStore} over an S3 bucket (JSON objects). */
export const createS3SnapshotStore = (options: S3SnapshotStoreOptions): SnapshotStore => {
  const { client, bucket } = options;
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const keyOf = (key: string): string => (prefix === '' ? checkKey(key) : `${prefix}/${checkKey(key)}`);
  return {
    async put(key, value) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keyOf(key),
          Body: JSON.stringify(value),
          ContentType: 'application/json',
        }),
      );
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(key) }));
        const text = await out.Body?.transformToString('utf8');
        if (text === undefined) throw new Error(`s3://${bucket}/${keyOf(key)} has no body`);
        return JSON.parse(text) as unknown;
      } catch (e) {
        if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return null;
        throw e;
      }
    },
  };
};
