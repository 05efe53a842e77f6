/**
 * Home databases as a `kill -9` during a home's first start can leave them: a table created but never
 * ACTIVE. The embedded database makes a table ACTIVE a moment after creating it; here that moment is set
 * ten minutes away and the database closed before it comes, as a kill would.
 */
import { CreateTableCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SIM_BROKER_TABLE } from '@ensemble/broker';
import { tableSchema } from '@ensemble/ledger';
import { createLocalDynamoClient } from '@ensemble/ledger/local';
import dynalite from 'dynalite';

const withDynalite = async (
  path: string,
  createTableMs: number,
  f: (client: DynamoDBClient) => Promise<void>,
): Promise<void> => {
  const server = dynalite({ path, createTableMs });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = createLocalDynamoClient(`http://127.0.0.1:${port}`);
  try {
    await f(client);
  } finally {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
};

/** The ledger table left CREATING, and nothing else: what a kill early in the first start leaves. */
export const makeHalfCreatedDb = (path: string): Promise<void> =>
  withDynalite(path, 600_000, async (client) => {
    await client.send(new CreateTableCommand(tableSchema('ensemble').createTableInput));
  });

/** The ledger table ACTIVE with an item in it, and another table left CREATING (never seen in use). */
export const makeDamagedDb = async (path: string): Promise<void> => {
  await withDynalite(path, 0, async (client) => {
    await client.send(new CreateTableCommand(tableSchema('ensemble').createTableInput));
    await new Promise((r) => setTimeout(r, 100));
    await client.send(
      new PutItemCommand({ TableName: 'ensemble', Item: { pk: { S: 'x' }, sk: { S: 'x' } } }),
    );
  });
  await withDynalite(path, 600_000, async (client) => {
    await client.send(
      new CreateTableCommand({
        TableName: SIM_BROKER_TABLE,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
};
