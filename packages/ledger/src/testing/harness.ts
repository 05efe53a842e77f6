/**
 * The shared harness of the ledger suite: a fixed clock, a fresh table per test (or a fresh memory ledger),
 * a scan of every record for state comparisons, and `forEachServer` which runs a block once per server
 * (skipping, with a visible message, only a server that cannot run here, or that a block is not about).
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SimulatedCrash } from '@ensemble/core';
import { afterAll, beforeAll, describe } from 'vitest';
import { createLocalDynamoClient, type EmbeddedDynamo } from '../embedded.ts';
import {
  createMemoryLedger,
  createMemoryLedgerStore,
  createMemoryShadowLedger,
  dumpMemoryLedger,
} from '../memory/index.ts';
import {
  createLedger,
  createShadowLedger,
  type LedgerRepository,
  type ShadowLedger,
} from '../repository/index.ts';
import { createTable } from '../table.ts';
import { countingClient } from './clients.ts';
import { MEMORY_ENDPOINT, type TestServer, testServers } from './servers.ts';

/** A clock stuck at one instant, so replayed writes stamp identical timestamps. */
export const fixedClock =
  (iso = '2025-01-02T21:00:00.000Z'): (() => Date) =>
  () =>
    new Date(iso);

let tables = 0;
/** Tells this file's tables from other files' on a server shared by the whole run. */
const FILE_TAG = `${process.pid}-${Date.now().toString(36)}`;

/** A ledger on a fresh table. */
export interface TestLedger {
  ledger: LedgerRepository;
  table: string;
  endpoint: string;
  /** A second ledger on the same table whose client crashes instead of sending write N+1. */
  crashingLedger(crashAfterWrites: number): LedgerRepository;
  /** A second ledger on the same table that counts the writes it sends. */
  countingLedger(): { ledger: LedgerRepository; writes(): number };
  /** The shadow-scope ledger of the same table (`createShadowLedger`, or the memory store's shadow scope). */
  shadowLedger(): ShadowLedger;
  /**
   * Every item of the table, keys included, sorted by pk then sk (the memory ledger: every record with
   * its table, by table then key).
   */
  scan(): Promise<Record<string, unknown>[]>;
}

/** A fresh memory ledger, as {@link newTestLedger} gives for {@link MEMORY_ENDPOINT}. */
const newMemoryTestLedger = (clock: () => Date): TestLedger => {
  const store = createMemoryLedgerStore();
  const counting = () => {
    let writes = 0;
    return {
      ledger: createMemoryLedger({ store, clock, beforeWrite: () => void writes++ }),
      writes: () => writes,
    };
  };
  return {
    ledger: createMemoryLedger({ store, clock }),
    table: 'memory',
    endpoint: MEMORY_ENDPOINT,
    crashingLedger: (n) => {
      let writes = 0;
      return createMemoryLedger({
        store,
        clock,
        beforeWrite: () => {
          if (writes >= n) throw new SimulatedCrash(`before write #${writes + 1}`);
          writes++;
        },
      });
    },
    countingLedger: counting,
    shadowLedger: () => createMemoryShadowLedger({ store, clock }),
    scan: async () => dumpMemoryLedger(store),
  };
};

/** Create a fresh table on `endpoint` and a ledger over it (fixed clock unless given). */
export const newTestLedger = async (
  endpoint: string,
  clock: () => Date = fixedClock(),
): Promise<TestLedger> => {
  if (endpoint === MEMORY_ENDPOINT) return newMemoryTestLedger(clock);
  const client = createLocalDynamoClient(endpoint);
  const table = `ledger-test-${FILE_TAG}-${++tables}`;
  await createTable(client, table);
  return {
    ledger: createLedger({ table, client, clock }),
    table,
    endpoint,
    crashingLedger: (n) => createLedger({ table, client: countingClient(endpoint, n).client, clock }),
    countingLedger: () => {
      const counting = countingClient(endpoint);
      return { ledger: createLedger({ table, client: counting.client, clock }), writes: counting.writes };
    },
    shadowLedger: () => createShadowLedger({ table, client, clock }),
    scan: async () => {
      const doc = DynamoDBDocumentClient.from(client);
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      const key = (i: Record<string, unknown>) => `${String(i.pk)}\u0000${String(i.sk)}`;
      return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    },
  };
};

interface ForEachServerOptions {
  /** Run on DynamoDB Local only in the full suite (`ENSEMBLE_FULL_TESTS=1`). */
  dynamoDbLocalInFullSuiteOnly?: boolean;
  /** Run on DynamoDB servers only, not on the memory ledger: why (the suite is about DynamoDB itself). */
  dynamoDbOnly?: string;
}

/** Why `server` does not run `options`' suite here, or null. */
const whyNot = (server: TestServer, options: ForEachServerOptions): string | null =>
  server.unavailable ??
  (server.kind === 'memory' && options.dynamoDbOnly !== undefined
    ? options.dynamoDbOnly
    : server.name === 'dynamodb-local' &&
        options.dynamoDbLocalInFullSuiteOnly &&
        process.env.ENSEMBLE_FULL_TESTS !== '1'
      ? 'in the full suite only: ENSEMBLE_FULL_TESTS=1'
      : null);

/**
 * Run `body` once per server (`describe.each`), as `<title> on <server>`; `endpoint()` is valid inside tests.
 * A server that cannot run here is skipped with a visible message, never silently.
 */
export const forEachServer = (
  title: string,
  body: (endpoint: () => string, server: TestServer) => void,
): void => onServers(title, body, {});

/**
 * {@link forEachServer} on the DynamoDB servers only, for a suite about DynamoDB itself (creating tables);
 * the memory ledger is skipped with `reason`.
 */
export const forEachDynamoDbServer = (
  title: string,
  reason: string,
  body: (endpoint: () => string, server: TestServer) => void,
): void => onServers(title, body, { dynamoDbOnly: reason });

/**
 * {@link forEachServer} for the long replay and property suites: the default suite runs them on dynalite
 * only, the full suite (`ENSEMBLE_FULL_TESTS=1`) on DynamoDB Local too (skipped with a visible message
 * otherwise). The primitives they exercise (conditional writes, queries, batch writes, pagination) run on
 * DynamoDB Local in the other suites on every run.
 */
export const forEachServerLong = (
  title: string,
  body: (endpoint: () => string, server: TestServer) => void,
): void => onServers(title, body, { dynamoDbLocalInFullSuiteOnly: true });

const onServers = (
  title: string,
  body: (endpoint: () => string, server: TestServer) => void,
  options: ForEachServerOptions,
): void => {
  for (const server of testServers) {
    const reason = whyNot(server, options);
    if (reason === null) continue;
    console.warn(`[ledger] skipping "${title}" on ${server.name}: ${reason}`);
    describe.skip(`${title} on ${server.name} (${reason})`, () => body(() => '', server));
  }
  describe.each(testServers.filter((s) => whyNot(s, options) === null))(`${title} on $name`, (server) => {
    let running: EmbeddedDynamo | undefined;
    beforeAll(async () => {
      running = await server.start();
    });
    afterAll(async () => {
      await running?.stop();
    });
    body(() => {
      if (!running) throw new Error(`${server.name} is not running`);
      return running.endpoint;
    }, server);
  });
};
