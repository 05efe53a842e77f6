/**
 * The in-memory {@link SimBrokerStore}: same semantics as the DynamoDB one, for tests, backtests and
 * throwaway runs. The account is kept as JSON text (as DynamoDB keeps an item): each read parses a fresh
 * copy, and nothing a caller holds is the store's.
 */
import type { SimAccountState, SimBrokerStore, SimOrderRecord } from './types.ts';

const copy = <T>(v: T): T => structuredClone(v);

/** A new, empty in-memory store. Share one instance between brokers to share an account. */
export const createMemorySimBrokerStore = (): SimBrokerStore => {
  let account: { readonly json: string; readonly version: number } | null = null;
  const archive = new Map<string, SimOrderRecord>();
  const ids = new Map<string, string>();
  return {
    async loadAccount() {
      if (!account) return null;
      const { json, version } = account;
      return { state: JSON.parse(json) as SimAccountState, version, json };
    },
    async createAccount(state: SimAccountState) {
      if (account) return false;
      account = { json: JSON.stringify(state), version: 1 };
      return true;
    },
    async replaceAccount(state, expectedVersion) {
      if (!account || account.version !== expectedVersion) return false;
      account = { json: JSON.stringify(state), version: expectedVersion + 1 };
      return true;
    },
    async getArchivedOrder(clientOrderId) {
      const order = archive.get(clientOrderId);
      return order ? copy(order) : null;
    },
    async clientIdOfArchived(orderId) {
      return ids.get(orderId) ?? null;
    },
    async archiveOrders(orders) {
      for (const order of orders) {
        archive.set(order.clientOrderId, copy(order));
        ids.set(order.id, order.clientOrderId);
      }
    },
  };
};
