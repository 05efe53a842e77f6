import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalDynamoClient, type EmbeddedDynamo, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoSimBrokerStore, ensureSimBrokerTable, SIM_BROKER_TABLE } from './dynamo-store.ts';
import { staticPrices } from './prices.ts';
import { createSimBroker } from './sim-broker.ts';
import { order, settableClock } from './testing/index.ts';
import type { SimOrderRecord } from './types.ts';

let db: EmbeddedDynamo;
let client: DynamoDBClient;

beforeAll(async () => {
  db = await startEmbeddedDynamo();
  client = createLocalDynamoClient(db.endpoint);
});
afterAll(async () => {
  client.destroy();
  await db.stop();
});

const brokerOn = (table: string, options: { startingCash?: string; accountId?: string } = {}) =>
  createSimBroker({
    store: createDynamoSimBrokerStore({
      client,
      table,
      ...(options.accountId ? { accountId: options.accountId } : {}),
    }),
    prices: staticPrices({ SPY: '500', AAPL: '200' }),
    clock: settableClock().clock,
    ...(options.startingCash ? { startingCash: options.startingCash } : {}),
  });

describe('DynamoDB sim broker store', () => {
  it('creates its table once (idempotent)', async () => {
    expect(await ensureSimBrokerTable(client, 'sim-ensure')).toEqual({ created: true });
    expect(await ensureSimBrokerTable(client, 'sim-ensure')).toEqual({ created: false });
  });

  it('keeps one account across broker instances: cash, positions, orders and used ids', async () => {
    // Arrange
    await ensureSimBrokerTable(client, 'sim-persist');
    const first = brokerOn('sim-persist', { startingCash: '5000' });
    const placed = await first.submitOrder(order('a', 'SPY', 'buy', { qty: '2' }));
    first.faults.delayFill({ polls: 1 });
    await first.submitOrder(order('open', 'AAPL', 'buy', { qty: '1' }));
    // Act: a second instance, as the next local run would create, with a different starting cash.
    const second = brokerOn('sim-persist', { startingCash: '999999' });
    // Assert
    expect(await second.getAccount()).toEqual({
      equity: '5000',
      cash: '4000',
      buyingPower: '3800',
      tradingBlocked: false,
    });
    expect(await second.listPositions()).toEqual([
      { symbol: 'SPY', qty: '2', avgEntryPrice: '500', marketValue: '1000' },
    ]);
    expect(await second.getOrderByClientId('a')).toEqual(placed);
    expect(await second.getOrder(placed.id)).toEqual(placed);
    await expect(second.submitOrder(order('a', 'SPY', 'buy', { qty: '1' }))).rejects.toThrow(
      expect.objectContaining({ name: 'DuplicateClientOrderId' }),
    );
    expect((await second.listOpenOrders()).map((o) => o.clientOrderId)).toEqual(['open']);
    expect(await second.getOrderByClientId('open')).toMatchObject({ status: 'accepted' });
    expect(await second.getOrderByClientId('open')).toMatchObject({ status: 'filled' });
    expect((await first.getAccount()).cash).toBe('3800');
    // Another account in the same table starts fresh.
    expect(await brokerOn('sim-persist', { accountId: 'other' }).getAccount()).toMatchObject({
      cash: '100000',
    });
  });

  it('serializes concurrent submits from two instances with conditional writes', async () => {
    await ensureSimBrokerTable(client, 'sim-concurrent');
    const a = brokerOn('sim-concurrent');
    const b = brokerOn('sim-concurrent');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).submitOrder(order(`c${i}`, i % 3 ? 'SPY' : 'AAPL', 'buy', { qty: '1' })),
      ),
    );
    // 4 × AAPL (i = 0, 3, 6, 9) at 200 and 6 × SPY at 500.
    expect((await a.getAccount()).cash).toBe(String(100000 - 4 * 200 - 6 * 500));
    expect(await b.listPositions()).toMatchObject([
      { symbol: 'AAPL', qty: '4' },
      { symbol: 'SPY', qty: '6' },
    ]);
  });

  it('archives settled orders as it writes: the account stays small, every order stays findable', async () => {
    // Arrange: three instances place 60 orders, ten at a time (writes race, and retry on the version).
    await ensureSimBrokerTable(client, 'sim-archive');
    const brokers = [brokerOn('sim-archive'), brokerOn('sim-archive'), brokerOn('sim-archive')];
    const placed = [];
    // Act
    for (let round = 0; round < 6; round++) {
      placed.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            brokers[i % 3]!.submitOrder(order(`r${round}-${i}`, 'SPY', 'buy', { qty: '1' })),
          ),
        )),
      );
    }
    // Assert: the account keeps at most a batch of settled orders (8), plus the one its last write settled.
    const store = createDynamoSimBrokerStore({ client, table: 'sim-archive' });
    const account = await store.loadAccount();
    expect(Object.keys(account?.state.orders ?? {}).length).toBeLessThanOrEqual(9);
    for (const p of placed) {
      expect(await brokers[0]!.getOrderByClientId(p.clientOrderId)).toEqual(p);
      expect(await brokers[1]!.getOrder(p.id)).toEqual(p);
    }
    expect(await brokers[2]!.listPositions()).toMatchObject([{ symbol: 'SPY', qty: '60' }]);
    await expect(brokers[2]!.submitOrder(order('r0-0', 'SPY', 'buy', { qty: '1' }))).rejects.toThrow(
      expect.objectContaining({ name: 'DuplicateClientOrderId' }),
    );
  });

  it('archives orders in batches of any size, idempotently', async () => {
    await ensureSimBrokerTable(client, 'sim-batch');
    const store = createDynamoSimBrokerStore({ client, table: 'sim-batch' });
    const records: SimOrderRecord[] = Array.from({ length: 30 }, (_, i) => ({
      id: `id-${i}`,
      clientOrderId: `b-${i}`,
      symbol: 'SPY',
      side: 'buy',
      qty: '1',
      status: 'filled',
      filledQty: '1',
      filledAvgPrice: '500',
      fees: '0',
      submittedAt: '2025-06-02T19:45:00.000Z',
      updatedAt: '2025-06-02T19:45:00.000Z',
      session: '2025-06-02',
      pollsBeforeFill: 0,
      fillFraction: '1',
      reservedCash: '0',
      reservedQty: '0',
    }));
    // 60 items: three BatchWriteItem requests; the second call writes the same again.
    await store.archiveOrders(records);
    await store.archiveOrders(records);
    for (const r of records) {
      expect(await store.getArchivedOrder(r.clientOrderId)).toEqual(r);
      expect(await store.clientIdOfArchived(r.id)).toBe(r.clientOrderId);
    }
  });

  it('wraps storage failures as BrokerUnavailable (fail closed)', async () => {
    await ensureSimBrokerTable(client, 'sim-gone');
    const broker = brokerOn('sim-gone');
    await client.send(new DeleteTableCommand({ TableName: 'sim-gone' }));
    await expect(broker.getAccount()).rejects.toThrow(expect.objectContaining({ name: 'BrokerUnavailable' }));
  });

  it('persists on disk between embedded servers (local runs)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-broker-'));
    try {
      for (const expectedCash of ['99500', '99000']) {
        const server = await startEmbeddedDynamo({ path: dir });
        const local = createLocalDynamoClient(server.endpoint);
        await ensureSimBrokerTable(local);
        const broker = createSimBroker({
          store: createDynamoSimBrokerStore({ client: local }),
          prices: staticPrices({ SPY: '500' }),
          clock: settableClock().clock,
        });
        await broker.submitOrder(order(`run-${expectedCash}`, 'SPY', 'buy', { qty: '1' }));
        expect((await broker.getAccount()).cash).toBe(expectedCash);
        local.destroy();
        await server.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(SIM_BROKER_TABLE).toBe('ensemble-sim-broker');
  });
});
