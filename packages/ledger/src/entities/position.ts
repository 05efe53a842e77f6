/**
 * Position: book × symbol → quantity and cost basis. Changed only by the journal (fills, transfers) with a
 * read → compute → put conditional on `version`; `pending` lists journal entries applied here whose source
 * record is not yet marked applied (the exactly-once marker). In the `book` collection with Cash.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createPositionEntity = () =>
  new Entity({
    model: { entity: 'position', version: '1', service: 'ensemble' },
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
      byBook: {
        collection: 'book',
        pk: { field: 'pk', composite: ['bookId'], casing: 'none' },
        sk: { field: 'sk', composite: ['symbol'], casing: 'none' },
      },
      bySymbol: {
        index: 'gsi1',
        pk: { field: 'gsi1pk', composite: ['symbol'], casing: 'none' },
        sk: { field: 'gsi1sk', composite: ['bookId'], casing: 'none' },
      },
      all: {
        index: 'gsi2',
        pk: { field: 'gsi2pk', composite: [], casing: 'none' },
        sk: { field: 'gsi2sk', composite: ['bookId', 'symbol'], casing: 'none' },
      },
    },
  });

export type PositionItem = EntityItem<ReturnType<typeof createPositionEntity>>;
export type CreatePositionItem = CreateEntityItem<ReturnType<typeof createPositionEntity>>;
