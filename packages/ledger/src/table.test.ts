import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createLocalDynamoClient, startEmbeddedDynamo } from './embedded.ts';
import { createLedger } from './repository/index.ts';
import { ensureTable, tableSchema } from './table.ts';
import { forEachDynamoDbServer } from './testing/index.ts';

describe('tableSchema', () => {
  it('defines generic keys, two GSIs, on-demand billing and the ttl attribute', () => {
    const s = tableSchema('ledger');
    expect(s.globalSecondaryIndexes.map((g) => g.name)).toEqual(['gsi1', 'gsi2']);
    expect(s.createTableInput).toMatchObject({ TableName: 'ledger', BillingMode: 'PAY_PER_REQUEST' });
    expect(s.createTableInput.AttributeDefinitions?.map((a) => a.AttributeName)).toEqual([
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
    ]);
    expect(s.ttlAttribute).toBe('ttl');
  });
});

forEachDynamoDbServer(
  'ensureTable',
  'it creates DynamoDB tables (the memory ledger has none)',
  (endpoint, server) => {
    it('creates the table once and is a no-op after', async () => {
      const client = createLocalDynamoClient(endpoint());
      const first = await ensureTable(client, 'ensure-me');
      const second = await ensureTable(client, 'ensure-me');
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'ensure-me' }));
      expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
      // dynalite has no TTL; DynamoDB Local has.
      expect(first.ttlEnabled).toBe(server.name === 'dynamodb-local');
      if (first.ttlEnabled) {
        const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'ensure-me' }));
        expect(ttl.TimeToLiveDescription?.AttributeName).toBe('ttl');
      }
    });
  },
);

describe('startEmbeddedDynamo', () => {
  it.each([
    ['on this thread', false],
    ['on a worker thread', true],
  ])('listens on loopback and keeps books on disk from one start to the next (%s)', async (_, thread) => {
    // Arrange
    const dir = await mkdtemp(join(tmpdir(), 'ledger-db-'));
    try {
      const first = await startEmbeddedDynamo({ path: join(dir, 'db'), thread });
      expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const c1 = createLocalDynamoClient(first.endpoint);
      await ensureTable(c1, 'ledger');
      await createLedger({ table: 'ledger', client: c1 }).applyTransfer({
        transferId: 'seed',
        day: '2025-01-02',
        kind: 'cash',
        from: 'unallocated',
        to: 'pool',
        amount: '123.45',
        reason: 'seed',
      });
      c1.destroy();
      await first.stop();
      // Act
      // The store is released on stop: a second start (either kind) opens the same LevelDB.
      const second = await startEmbeddedDynamo({ path: join(dir, 'db'), thread: !thread });
      const c2 = createLocalDynamoClient(second.endpoint);
      await ensureTable(c2, 'ledger');
      const book = await createLedger({ table: 'ledger', client: c2 }).getBook('pool');
      c2.destroy();
      await second.stop();
      // Assert
      expect(book.cash).toBe('123.45');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
