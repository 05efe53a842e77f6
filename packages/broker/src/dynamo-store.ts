/**
 * The DynamoDB {@link SimBrokerStore}: its own table (default `ensemble-sim-broker`, key `pk` only), in the
 * same embedded server the ledger uses locally, so a local account persists between runs. Items:
 * `ACCOUNT#<account>` (the versioned account state as JSON), `ORDER#<account>#<clientOrderId>` and
 * `ORDERID#<account>#<orderId>` (the archive). Conditional writes only, strongly consistent reads, no
 * transactions.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { SimAccountState, type SimBrokerStore, SimOrderRecord } from './types.ts';

/** Default name of the simulated broker's table. */
export const SIM_BROKER_TABLE = 'ensemble-sim-broker';

/** Options of {@link createDynamoSimBrokerStore}. */
export interface DynamoSimBrokerStoreOptions {
  readonly client: DynamoDBClient;
  /** @default SIM_BROKER_TABLE */
  readonly table?: string;
  /** Several simulated accounts can share a table. @default 'default' */
  readonly accountId?: string;
}

/** Items one BatchWriteItem takes at most. */
const BATCH_WRITE_MAX = 25;
/** Sends of one batch before its unprocessed items count as a failure. */
const BATCH_ATTEMPTS = 6;
type BatchRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException || (e as Error)?.name === 'ConditionalCheckFailedException';

/** A store on a DynamoDB table made by {@link ensureSimBrokerTable}. */
export const createDynamoSimBrokerStore = (options: DynamoSimBrokerStoreOptions): SimBrokerStore => {
  const doc = DynamoDBDocumentClient.from(options.client);
  const TableName = options.table ?? SIM_BROKER_TABLE;
  const account = options.accountId ?? 'default';
  const accountKey = { pk: `ACCOUNT#${account}` };
  const orderKey = (cid: string) => ({ pk: `ORDER#${account}#${cid}` });
  const idKey = (id: string) => ({ pk: `ORDERID#${account}#${id}` });
  const get = async (Key: Record<string, string>) =>
    (await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;
  const conditionalPut = async (input: ConstructorParameters<typeof PutCommand>[0]): Promise<boolean> => {
    try {
      await doc.send(new PutCommand(input));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  };
  /** One BatchWriteItem, re-sending what DynamoDB left unprocessed (with a short backoff) until none is. */
  const batchPut = async (requests: BatchRequests): Promise<void> => {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) {
        throw new Error(
          `${pending.length} archive writes still unprocessed after ${BATCH_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 0) await sleep(20 * 2 ** attempt);
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: pending } }));
      pending = (out.UnprocessedItems?.[TableName] ?? []) as BatchRequests;
    }
  };
  return {
    async loadAccount() {
      const item = await get(accountKey);
      if (!item) return null;
      return {
        state: SimAccountState.parse(JSON.parse(item.state as string)),
        version: item.version as number,
      };
    },
    createAccount: (state) =>
      conditionalPut({
        TableName,
        Item: { ...accountKey, state: JSON.stringify(state), version: 1 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    replaceAccount: (state, expectedVersion) =>
      conditionalPut({
        TableName,
        Item: { ...accountKey, state: JSON.stringify(state), version: expectedVersion + 1 },
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': expectedVersion },
      }),
    async getArchivedOrder(clientOrderId) {
      const item = await get(orderKey(clientOrderId));
      return item ? SimOrderRecord.parse(JSON.parse(item.order as string)) : null;
    },
    async clientIdOfArchived(orderId) {
      const item = await get(idKey(orderId));
      return item ? (item.clientOrderId as string) : null;
    },
    async archiveOrders(orders) {
      const items = orders.flatMap((order) => [
        { ...orderKey(order.clientOrderId), order: JSON.stringify(order) },
        { ...idKey(order.id), clientOrderId: order.clientOrderId },
      ]);
      for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) {
        await batchPut(items.slice(i, i + BATCH_WRITE_MAX).map((Item) => ({ PutRequest: { Item } })));
      }
    },
  };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates the simulated broker's table unless it exists, and waits until it is ACTIVE. */
export const ensureSimBrokerTable = async (
  client: DynamoDBClient,
  tableName: string = SIM_BROKER_TABLE,
): Promise<{ created: boolean }> => {
  let created = false;
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException) && (e as Error).name !== 'ResourceNotFoundException')
      throw e;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      created = true;
    } catch (ce) {
      if (!(ce instanceof ResourceInUseException) && (ce as Error).name !== 'ResourceInUseException')
        throw ce;
    }
  }
  for (let i = 0; i < 600; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return { created };
    await sleep(50);
  }
  throw new Error(`table ${tableName} never became ACTIVE`);
};
