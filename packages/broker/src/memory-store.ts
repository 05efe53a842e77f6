/**
 * The in-memory {@link SimBrokerStore}: same semantics as the DynamoDB one, for tests, backtests and
 * throwaway runs. The store keeps the account a write hands it over (its own copy on creation) and hands each
 * load a fresh copy, with the stored state itself as the snapshot's `pristine` (to compare against, never to
 * change): nothing a load hands out is the store's, and no call parses or serializes JSON.
 */
import { copyAccount } from './account-state.ts';
import { type SimAccountState, type SimBrokerStore, SimOrderRecord } from './types.ts';

/** A new, empty in-memory store. Share one instance between brokers to share an account. */
export const createMemorySimBrokerStore = (): SimBrokerStore => {
  let account: { readonly state: SimAccountState; readonly version: number } | null = null;
  // Archived orders as JSON text (as DynamoDB keeps them): flat and compact — a live record's strings are
  // often concatenations that retain more memory than their text — and read back only on a lookup.
  const archive = new Map<string, string>();
  const ids = new Map<string, string>();
  return {
    async loadAccount() {
      if (!account) return null;
      const { state, version } = account;
      return { state: copyAccount(state), version, pristine: state };
    },
    async peekAccount() {
      return account;
    },
    async createAccount(state: SimAccountState) {
      if (account) return false;
      account = { state: copyAccount(state), version: 1 };
      return true;
    },
    async replaceAccount(state, expectedVersion) {
      if (!account || account.version !== expectedVersion) return false;
      // Handed over by the caller (SimBrokerStore.replaceAccount): kept as it is, copied on the next load.
      account = { state, version: expectedVersion + 1 };
      return true;
    },
    async getArchivedOrder(clientOrderId) {
      const order = archive.get(clientOrderId);
      return order === undefined ? null : SimOrderRecord.parse(JSON.parse(order));
    },
    async clientIdOfArchived(orderId) {
      return ids.get(orderId) ?? null;
    },
    async archiveOrders(orders) {
      for (const order of orders) {
        archive.set(order.clientOrderId, JSON.stringify(order));
        ids.set(order.id, order.clientOrderId);
      }
    },
  };
};
