/**
 * Transfer: a move of shares (with cost basis) or cash between books, or in/out of the account, keyed by
 * transfer id and created once with its amounts resolved; `appliedAt` marks it applied to both books.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { allOnGsi2, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createTransferEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'transfer', version: '1', service },
    attributes: {
      transferId: { type: 'string', required: true, readOnly: true },
      day: { type: 'string', required: true, readOnly: true },
      kind: { type: ['position', 'cash'] as const, required: true, readOnly: true },
      /**
       * A book, `unallocated` (account cash no book owns; cash only) or `external` (outside the account: the
       * issuer of a corporate action's new shares or dividend).
       */
      from: { type: 'string', required: true, readOnly: true },
      to: { type: 'string', required: true, readOnly: true },
      symbol: { type: 'string', readOnly: true },
      qty: { type: 'string', readOnly: true },
      /** For `position`: cost basis moved with the shares; for `cash`: the amount. */
      amount: { type: 'string', required: true, readOnly: true },
      reason: { type: 'string', required: true, readOnly: true },
      runId: { type: 'string', readOnly: true },
      recordedAt: { type: 'string', required: true },
      appliedAt: { type: 'string' },
    },
    indexes: {
      byId: primary(['transferId'], []),
      byDay: allOnGsi2(['day', 'transferId']),
    },
  });

export type TransferItem = EntityItem<ReturnType<typeof createTransferEntity>>;
export type CreateTransferItem = CreateEntityItem<ReturnType<typeof createTransferEntity>>;
