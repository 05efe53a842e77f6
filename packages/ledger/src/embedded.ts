/**
 * The embedded database for local runs and tests: dynalite in-process, on a loopback port chosen by the OS.
 * In memory by default; given a `path`, it keeps the table in LevelDB on disk so books persist across runs.
 * dynalite has tables, GSIs, conditional writes, queries and batch writes, but no transactions and no TTL,
 * which is why the ledger needs neither.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { LedgerPersistenceError } from './errors.ts';

/** Options of {@link startEmbeddedDynamo}. */
export interface EmbeddedDynamoOptions {
  /** Directory of the LevelDB store; created if missing. @default in memory */
  path?: string;
  /**
   * Run dynalite on a worker thread of this process, so its request handling uses another core than the
   * caller's (a 1,000-strategy local day is mostly DynamoDB request handling). @default false
   */
  thread?: boolean;
}

/** A running embedded DynamoDB. */
export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Close the server (and the LevelDB store). */
  stop(): Promise<void>;
}

/** Where local runs keep the ledger: `<home>/.ensemble/db`. */
export const defaultEmbeddedDbPath = (homeDir: string): string => join(homeDir, '.ensemble', 'db');

/** dynalite's options: LevelDB at `path` (else in memory), table changes at once. */
const dynaliteOptions = (path: string | undefined) => ({
  ...(path === undefined ? {} : { path }),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});

/** The TCP port a listening server is bound to. */
export const portOf = (server: { address(): AddressInfo | string | null }): number => {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new LedgerPersistenceError('listen', { cause: new Error('the server is not bound to a TCP port') });
  }
  return address.port;
};

/** Start dynalite on 127.0.0.1 at a free port (on this thread, or on a worker thread with `thread`). */
export const startEmbeddedDynamo = async (options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> => {
  if (options.path !== undefined) await mkdir(options.path, { recursive: true });
  if (options.thread) return startOnWorker(options.path);
  const server = dynalite(dynaliteOptions(options.path));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = portOf(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
};

/** `YYYYMMDDTHHMMSSZ`, the SigV4 date format. */
const amzDate = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * A signer for loopback servers. dynalite and DynamoDB Local check that a request carries a well-formed
 * SigV4 `Authorization` header and a date, never the signature itself (they hold no secret to check it
 * with), so computing one — hashing the body and an HMAC chain per request, about 6 % of a local day's main
 * thread — buys nothing. Requests to AWS are signed by the SDK's own signer (no client here talks to AWS).
 */
const loopbackSigner = {
  sign: async <R extends { headers: Record<string, string> }>(request: R): Promise<R> => {
    const date = amzDate(new Date());
    request.headers['x-amz-date'] = date;
    request.headers.authorization =
      `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/us-east-1/dynamodb/aws4_request, ` +
      `SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
    return request;
  },
};

/** A DynamoDB client for a local endpoint (dynalite or DynamoDB Local): fixed region, dummy credentials. */
export const createLocalDynamoClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    signer: loopbackSigner,
    maxAttempts: 3,
  });

/** dynalite on a worker thread (`dynalite-worker.mjs`); `stop` closes the server, then ends the thread. */
const startOnWorker = async (path: string | undefined): Promise<EmbeddedDynamo> => {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), {
    workerData: dynaliteOptions(path),
  });
  const next = () =>
    new Promise<{ port?: number; error?: string; stopped?: boolean }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  const ready = await next();
  if (ready.port === undefined) {
    await worker.terminate();
    throw new Error(`embedded DynamoDB did not start: ${ready.error ?? 'no port'}`);
  }
  return {
    endpoint: `http://127.0.0.1:${ready.port}`,
    stop: async () => {
      const stopped = next();
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
};
