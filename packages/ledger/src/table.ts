/**
 * The ledger's one table, defined once: generic `pk`/`sk`, two generic GSIs, on-demand billing and a `ttl`
 * attribute. `createTable`/`ensureTable` build it from {@link tableSchema}; the SST stack imports the same
 * schema so local and deployed tables cannot drift.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { LedgerPersistenceError } from './errors.ts';

/** Name of the TTL attribute (epoch seconds); only leases set it. */
export const TTL_ATTRIBUTE = 'ttl';

/** The physical indexes of the table; entities map their access patterns onto them. */
export const GSI = {
  gsi1: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
  gsi2: { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' },
} as const;

/** The table as data: keys, GSIs, billing and TTL attribute. */
export interface LedgerTableSchema {
  tableName: string;
  partitionKey: 'pk';
  sortKey: 'sk';
  globalSecondaryIndexes: { name: string; partitionKey: string; sortKey: string }[];
  billingMode: 'PAY_PER_REQUEST';
  ttlAttribute: typeof TTL_ATTRIBUTE;
  /** The same table as a `CreateTable` request. */
  createTableInput: CreateTableCommandInput;
}

/** The one schema of the ledger table, for `createTable` here and for the SST stack. */
export const tableSchema = (tableName: string): LedgerTableSchema => {
  const gsis = Object.values(GSI).map((g) => ({ name: g.name, partitionKey: g.pk, sortKey: g.sk }));
  const keyNames = ['pk', 'sk', ...gsis.flatMap((g) => [g.partitionKey, g.sortKey])];
  const attributeDefinitions: AttributeDefinition[] = keyNames.map((n) => ({
    AttributeName: n,
    AttributeType: 'S',
  }));
  return {
    tableName,
    partitionKey: 'pk',
    sortKey: 'sk',
    globalSecondaryIndexes: gsis,
    billingMode: 'PAY_PER_REQUEST',
    ttlAttribute: TTL_ATTRIBUTE,
    createTableInput: {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: gsis.map((g) => ({
        IndexName: g.name,
        KeySchema: [
          { AttributeName: g.partitionKey, KeyType: 'HASH' },
          { AttributeName: g.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    },
  };
};

/** What {@link ensureTable} did. */
export interface EnsureTableResult {
  created: boolean;
  /** False where the server has no TTL (dynalite); leases stay correct, they only aren't swept. */
  ttlEnabled: boolean;
}

/** The name of a thrown error (AWS SDK errors are named after their exception). */
const nameOf = (e: unknown): string | undefined => (e instanceof Error ? e.name : undefined);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const waitActive = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  for (let i = 0; i < 600; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesReady = (out.Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
    if (out.Table?.TableStatus === 'ACTIVE' && indexesReady) return;
    await sleep(50);
  }
  throw new LedgerPersistenceError('waitActive', {
    cause: new Error(`table ${tableName} never became ACTIVE`),
  });
};

const enableTtl = async (client: DynamoDBClient, tableName: string): Promise<boolean> => {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return true;
  } catch (e) {
    // dynalite does not implement UpdateTimeToLive; a second enable on a real table says "already enabled".
    if (nameOf(e) === 'UnknownOperationException') return false;
    if (nameOf(e) === 'ValidationException' && e instanceof Error && /already enabled/i.test(e.message)) {
      return true;
    }
    throw new LedgerPersistenceError('enableTtl', { cause: e });
  }
};

/** Create the ledger table (fails if it exists) and wait until it is ACTIVE. */
export const createTable = async (client: DynamoDBClient, tableName: string): Promise<EnsureTableResult> => {
  try {
    await client.send(new CreateTableCommand(tableSchema(tableName).createTableInput));
  } catch (e) {
    throw new LedgerPersistenceError('createTable', { cause: e });
  }
  await waitActive(client, tableName);
  return { created: true, ttlEnabled: await enableTtl(client, tableName) };
};

/** Create the ledger table unless it exists; either way wait until it is ACTIVE. */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<EnsureTableResult> => {
  let created = false;
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException) && nameOf(e) !== 'ResourceNotFoundException') {
      throw new LedgerPersistenceError('describeTable', { cause: e });
    }
    try {
      await client.send(new CreateTableCommand(tableSchema(tableName).createTableInput));
      created = true;
    } catch (ce) {
      if (!(ce instanceof ResourceInUseException) && nameOf(ce) !== 'ResourceInUseException') {
        throw new LedgerPersistenceError('createTable', { cause: ce });
      }
    }
  }
  await waitActive(client, tableName);
  return { created, ttlEnabled: await enableTtl(client, tableName) };
};
