/**
 * Fill: one execution, keyed by fill id and created once. `appliedAt` is set after the fill has been applied
 * to the book's position and cash (see repository/journal.ts for the exactly-once protocol).
 */

import { Side } from '@ensemble/core';
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createFillEntity = () =>
  new Entity({
    model: { entity: 'fill', version: '1', service: 'ensemble' },
    attributes: {
      fillId: { type: 'string', required: true, readOnly: true },
      clientOrderId: { type: 'string', required: true, readOnly: true },
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      bookId: { type: 'string', required: true, readOnly: true },
      symbol: { type: 'string', required: true, readOnly: true },
      side: { type: Side.options, required: true, readOnly: true },
      qty: { type: 'string', required: true, readOnly: true },
      price: { type: 'string', required: true, readOnly: true },
      notional: { type: 'string', required: true, readOnly: true },
      fee: { type: 'string', required: true, readOnly: true },
      filledAt: { type: 'string', required: true, readOnly: true },
      appliedAt: { type: 'string' },
    },
    indexes: {
      byId: {
        pk: { field: 'pk', composite: ['fillId'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
      byRun: {
        index: 'gsi1',
        collection: 'runTimeline',
        pk: { field: 'gsi1pk', composite: ['runId'], casing: 'none' },
        sk: { field: 'gsi1sk', composite: ['clientOrderId', 'fillId'], casing: 'none' },
      },
      byBookDay: {
        index: 'gsi2',
        pk: { field: 'gsi2pk', composite: ['bookId'], casing: 'none' },
        sk: { field: 'gsi2sk', composite: ['tradingDay', 'fillId'], casing: 'none' },
      },
    },
  });

export type FillItem = EntityItem<ReturnType<typeof createFillEntity>>;
export type CreateFillItem = CreateEntityItem<ReturnType<typeof createFillEntity>>;
