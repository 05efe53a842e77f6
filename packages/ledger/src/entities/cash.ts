/**
 * Cash: one balance per book, changed only by the journal (fills, transfers) like Position, with the same
 * `version` + `pending` exactly-once marker. In the `book` collection with Position.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { allOnGsi2, bookMember } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createCashEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'cash', version: '1', service },
    attributes: {
      bookId: { type: 'string', required: true, readOnly: true },
      amount: { type: 'string', required: true },
      version: { type: 'number', required: true },
      pending: { type: 'list', items: { type: 'string' }, required: true },
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byBook: bookMember([]),
      all: allOnGsi2(['bookId']),
    },
  });

export type CashItem = EntityItem<ReturnType<typeof createCashEntity>>;
export type CreateCashItem = CreateEntityItem<ReturnType<typeof createCashEntity>>;
