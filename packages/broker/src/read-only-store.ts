/**
 * A read-only view of a {@link SimBrokerStore}: reads go to the store, writes are acknowledged and dropped.
 * A simulated broker on it answers reads (account, positions, orders) as of the store's state without ever
 * changing it — for a process that looks at an account another process trades on (`ensemble reconcile`
 * while `ensemble run` holds the home): its own clock may expire or fill orders in what it computes, but
 * nothing it computes is stored. An account not created yet reads as just created (the starting cash).
 */
import type { SimAccountSnapshot, SimBrokerStore } from './types.ts';

export const readOnlyStore = (store: SimBrokerStore): SimBrokerStore => {
  /** The account a read found missing, as created in this view only. */
  let created: SimAccountSnapshot | null = null;
  return {
    loadAccount: async () => (await store.loadAccount()) ?? created,
    async createAccount(state) {
      created = { state: structuredClone(state), version: 1 };
      return true;
    },
    replaceAccount: async () => true,
    getArchivedOrder: (clientOrderId) => store.getArchivedOrder(clientOrderId),
    clientIdOfArchived: (orderId) => store.clientIdOfArchived(orderId),
    async archiveOrders() {},
  };
};
