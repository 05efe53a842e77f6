/**
 * Position: book × symbol → quantity and cost basis. Changed only by the journal (fills, transfers) with a
 * read → compute → put conditional on `version`; `pending` lists journal entries applied here whose source
 * record is not yet marked applied (the exactly-once marker). In the `book` collection with Cash.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { allOnGsi2, bookMember, onGsi1 } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createPositionEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'position', version: '1', service },
    attributes: {
      bookId: { type: 'string', required: true, readOnly: true },
      symbol: { type: 'string', required: true, readOnly: true },
      qty: { type: 'string', required: true },
      costBasis: { type: 'string', required: true },
      version: { type: 'number', required: true },
      pending: { type: 'list', items: { type: 'string' }, required: true },
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byBook: bookMember(['symbol']),
      bySymbol: onGsi1(['symbol'], ['bookId']),
      all: allOnGsi2(['bookId', 'symbol']),
    },
  });

export type PositionItem = EntityItem<ReturnType<typeof createPositionEntity>>;
export type CreatePositionItem = CreateEntityItem<ReturnType<typeof createPositionEntity>>;
