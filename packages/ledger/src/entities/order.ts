/**
 * Order: keyed by its deterministic client order id, created once as INTENT, then moved through broker
 * statuses by conditional updates on `version` (each appends one `statusHistory` entry).
 */
import { OrderStatus, Side } from '@ensemble/core';
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { byBookDay, byRun, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createOrderEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'order', version: '1', service },
    attributes: {
      clientOrderId: { type: 'string', required: true, readOnly: true },
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      bookId: { type: 'string', required: true, readOnly: true },
      symbol: { type: 'string', required: true, readOnly: true },
      side: { type: Side.options, required: true, readOnly: true },
      requestedQty: { type: 'string' },
      requestedNotional: { type: 'string' },
      filledQty: { type: 'string', required: true },
      filledNotional: { type: 'string', required: true },
      brokerOrderId: { type: 'string' },
      status: { type: OrderStatus.options, required: true },
      /** Starts at 1 (INTENT); every transition adds one. `statusHistory[v - 1]` is the entry of version v. */
      version: { type: 'number', required: true },
      statusHistory: {
        type: 'list',
        required: true,
        items: {
          type: 'map',
          properties: {
            status: { type: OrderStatus.options, required: true },
            at: { type: 'string', required: true },
            reason: { type: 'string' },
          },
        },
      },
      createdAt: { type: 'string', required: true },
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: primary(['clientOrderId'], []),
      byRun: byRun(['clientOrderId']),
      byBookDay: byBookDay('clientOrderId'),
    },
  });

export type OrderItem = EntityItem<ReturnType<typeof createOrderEntity>>;
export type CreateOrderItem = CreateEntityItem<ReturnType<typeof createOrderEntity>>;
