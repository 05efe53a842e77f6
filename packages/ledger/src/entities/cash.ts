/**
 * Cash: one balance per book, changed only by the journal (fills, transfers) like Position, with the same
 * `version` + `pending` exactly-once marker. In the `book` collection with Position.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { allOnGsi2, bookMember } from './indexes.ts';

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createCashEntity = () =>
  new Entity({
    model: { entity: 'cash', version: '1', service: 'ensemble' },
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
