/**
 * Fill: one execution, keyed by fill id and created once. `appliedAt` is set after the fill has been applied
 * to the book's position and cash (see repository/journal.ts for the exactly-once protocol).
 */

import { Side } from '@ensemble/core';
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { byBookDay, byRun, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createFillEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'fill', version: '1', service },
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
      /** qty × price, or the broker's booked notional. */
      notional: { type: 'string', required: true, readOnly: true },
      fee: { type: 'string', required: true, readOnly: true },
      filledAt: { type: 'string', required: true, readOnly: true },
      /** Set once the fill has been applied to the book's position and cash. */
      appliedAt: { type: 'string' },
    },
    indexes: {
      byId: primary(['fillId'], []),
      byRun: byRun(['clientOrderId', 'fillId']),
      byBookDay: byBookDay('fillId'),
    },
  });

export type FillItem = EntityItem<ReturnType<typeof createFillEntity>>;
export type CreateFillItem = CreateEntityItem<ReturnType<typeof createFillEntity>>;
