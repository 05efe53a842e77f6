/**
 * The {@link PaperAccountLedger} role in memory (the shadow scope's): paper accounts created once and
 * replaced on their version only, archived orders found by client order id and by broker order id — as the
 * DynamoDB repository's paper-accounts.ts, the JSON kept as text and never read.
 */
import { PAPER_ACCOUNT_TTL_DAYS, type PaperAccountLedger } from '../repository/paper-accounts.ts';
import type { MemoryShadowStore } from './store.ts';
import { composite } from './table.ts';

/** What the paper-account role is given: the shadow scope's tables, the clock and the write hook. */
export interface MemoryShadowCtx {
  readonly store: MemoryShadowStore;
  now(): string;
  write(operation: string): void;
}

/** The {@link PaperAccountLedger} over a memory store's shadow scope. */
export const memoryPaperAccountLedger = (m: MemoryShadowCtx): PaperAccountLedger => {
  const { paperAccounts, paperOrders } = m.store;
  const ttl = () => Math.floor(Date.parse(m.now()) / 1000) + PAPER_ACCOUNT_TTL_DAYS * 24 * 3600;
  return {
    getPaperAccount: async (accountId) => {
      const row = paperAccounts.get(accountId);
      return row ? { accountId, state: row.state, version: row.version } : null;
    },
    createPaperAccount: async (accountId, state) => {
      m.write('createPaperAccount');
      if (paperAccounts.get(accountId) !== undefined) return false;
      paperAccounts.put({ accountId, state, version: 1, updatedAt: m.now(), ttl: ttl() });
      return true;
    },
    replacePaperAccount: async (accountId, state, expectedVersion) => {
      m.write('replacePaperAccount');
      const row = paperAccounts.get(accountId);
      if (row?.version !== expectedVersion) return false;
      paperAccounts.put({ ...row, state, version: expectedVersion + 1, updatedAt: m.now() });
      return true;
    },
    getPaperOrder: async (accountId, clientOrderId) =>
      paperOrders.get(composite(accountId, clientOrderId))?.order ?? null,
    paperClientOrderIdOf: async (accountId, orderId) =>
      paperOrders.all('byOrderId', composite(accountId, orderId))[0]?.clientOrderId ?? null,
    archivePaperOrders: async (accountId, orders) => {
      const expires = ttl();
      for (const o of orders) {
        m.write('archivePaperOrders');
        paperOrders.put({ accountId, ...o, ttl: expires });
      }
    },
  };
};
