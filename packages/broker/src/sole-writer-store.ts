/**
 * A {@link SimBrokerStore} wrapper for a store one broker instance alone writes — a local run's, whose
 * embedded database belongs to one process (LevelDB locks it). It keeps the account as it last read or
 * wrote it, and the archived orders it wrote or read (immutable), so a call reads the store only for what it
 * has not seen. Every write still goes to the store, conditional on the version as before: should anyone
 * else write the account after all, the write fails its condition, the copy is dropped and the broker reads
 * the account again. A failed or interrupted write drops the copy too.
 */
import { copyAccount, copyOrder } from './account-state.ts';
import type { SimAccountSnapshot, SimBrokerStore, SimOrderRecord } from './types.ts';

/** Archived orders kept in memory at most (the oldest are forgotten first; the store still has them). */
const MAX_KEPT_ORDERS = 20_000;

export const soleWriterStore = (store: SimBrokerStore): SimBrokerStore => {
  let account: SimAccountSnapshot | null = null;
  const orders = new Map<string, SimOrderRecord>();
  const clientIds = new Map<string, string>();
  const keep = (order: SimOrderRecord) => {
    if (orders.size >= MAX_KEPT_ORDERS) {
      const oldest = orders.keys().next().value;
      if (oldest !== undefined) {
        clientIds.delete(orders.get(oldest)?.id ?? '');
        orders.delete(oldest);
      }
    }
    orders.set(order.clientOrderId, copyOrder(order));
    clientIds.set(order.id, order.clientOrderId);
  };
  /**
   * Set when a write failed with an error (it may or may not have been applied): until the account is read
   * from the store again, no write's confirmation may set the copy.
   */
  let uncertain = false;
  /** Runs a write; whatever it does not confirm (a failed condition, an error) drops the account copy. */
  const writing = async (write: () => Promise<boolean>, after: () => void): Promise<boolean> => {
    try {
      const ok = await write();
      if (ok && !uncertain) after();
      else if (!ok) account = null;
      return ok;
    } catch (e) {
      account = null;
      uncertain = true;
      throw e;
    }
  };
  /** The account as kept, read from the store when there is none (which also ends an uncertain write). */
  const current = async (): Promise<SimAccountSnapshot | null> => {
    if (account === null) {
      uncertain = false;
      account = await store.loadAccount();
    }
    return account;
  };
  return {
    async loadAccount() {
      const kept = await current();
      return kept && { state: copyAccount(kept.state), version: kept.version, pristine: kept.state };
    },
    peekAccount: current,
    createAccount: (state) =>
      writing(
        () => store.createAccount(state),
        () => {
          account = { state: copyAccount(state), version: 1 };
        },
      ),
    replaceAccount: (state, expectedVersion) =>
      writing(
        () => store.replaceAccount(state, expectedVersion),
        () => {
          // Only forward: the confirmation of an older write may arrive after a newer one's.
          // The state is handed over (SimBrokerStore.replaceAccount): kept as it is.
          if (account === null || account.version <= expectedVersion) {
            account = { state, version: expectedVersion + 1 };
          }
        },
      ),
    async getArchivedOrder(clientOrderId) {
      const kept = orders.get(clientOrderId);
      if (kept) return copyOrder(kept);
      const found = await store.getArchivedOrder(clientOrderId);
      if (found) keep(found);
      return found;
    },
    async clientIdOfArchived(orderId) {
      return clientIds.get(orderId) ?? store.clientIdOfArchived(orderId);
    },
    async archiveOrders(archived) {
      await store.archiveOrders(archived);
      for (const order of archived) keep(order);
    },
  };
};
