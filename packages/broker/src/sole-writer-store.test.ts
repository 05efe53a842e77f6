import { describe, expect, it } from 'vitest';
import { createMemorySimBrokerStore } from './memory-store.ts';
import { staticPrices } from './prices.ts';
import { createSimBroker } from './sim-broker.ts';
import { soleWriterStore } from './sole-writer-store.ts';
import { order, settableClock } from './testing/index.ts';
import type { SimBrokerStore } from './types.ts';

/** Counts the calls reaching `inner`. */
const counting = (inner: SimBrokerStore) => {
  const calls: Record<string, number> = {};
  const store = Object.fromEntries(
    Object.entries(inner).map(([name, f]) => [
      name,
      (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return (f as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as SimBrokerStore;
  return { store, calls };
};

const brokerOn = (store: SimBrokerStore) =>
  createSimBroker({ store, prices: staticPrices({ SPY: '500' }), clock: settableClock().clock });

describe('soleWriterStore', () => {
  it('reads the account once, then answers from its copy; every write still reaches the store', async () => {
    // Arrange
    const { store, calls } = counting(createMemorySimBrokerStore());
    const broker = brokerOn(soleWriterStore(store));
    // Act
    const placed = await broker.submitOrder(order('a', 'SPY', 'buy', { qty: '2' }));
    const again = await broker.getOrderByClientId('a');
    const account = await broker.getAccount();
    // Assert
    expect(again).toEqual(placed);
    expect(account.cash).toBe('99000');
    expect(calls.loadAccount).toBe(1); // once, before the account existed; then the copy
    expect(calls.createAccount).toBe(1);
    expect(calls.replaceAccount).toBe(1);
  });

  it('notices a write it did not make: its own write fails the condition, and it reads the account again', async () => {
    // Arrange: two brokers on one store, one of them behind the copy.
    const shared = createMemorySimBrokerStore();
    const cached = brokerOn(soleWriterStore(shared));
    const other = brokerOn(shared);
    await cached.submitOrder(order('a', 'SPY', 'buy', { qty: '1' }));
    // Act: a foreign write, then the cached broker writes on its stale copy.
    await other.submitOrder(order('b', 'SPY', 'buy', { qty: '1' }));
    await cached.submitOrder(order('c', 'SPY', 'buy', { qty: '1' }));
    // Assert: nothing lost, nothing applied twice.
    expect((await other.getAccount()).cash).toBe('98500');
    expect((await cached.getAccount()).cash).toBe('98500');
    await expect(cached.submitOrder(order('b', 'SPY', 'buy', { qty: '1' }))).rejects.toThrow(
      expect.objectContaining({ name: 'DuplicateClientOrderId' }),
    );
  });

  it('after a write that failed with an error, trusts no confirmation until it has read the account again', async () => {
    // Arrange: a store whose next account write is applied, then reported as an error.
    const inner = createMemorySimBrokerStore();
    let failNext = false;
    const flaky: SimBrokerStore = {
      ...inner,
      replaceAccount: async (state, version) => {
        const ok = await inner.replaceAccount(state, version);
        if (failNext) {
          failNext = false;
          throw new Error('connection reset after the write');
        }
        return ok;
      },
    };
    const broker = brokerOn(soleWriterStore(flaky));
    await broker.submitOrder(order('a', 'SPY', 'buy', { qty: '1' }));
    // Act
    failNext = true;
    await expect(broker.submitOrder(order('b', 'SPY', 'buy', { qty: '1' }))).rejects.toThrow(
      expect.objectContaining({ name: 'BrokerUnavailable' }),
    );
    // Assert: the applied write is seen (not re-applied) by the next calls.
    expect(await broker.getOrderByClientId('b')).toMatchObject({ status: 'filled' });
    await expect(broker.submitOrder(order('b', 'SPY', 'buy', { qty: '1' }))).rejects.toThrow(
      expect.objectContaining({ name: 'DuplicateClientOrderId' }),
    );
    expect((await broker.getAccount()).cash).toBe('99000');
  });
});
