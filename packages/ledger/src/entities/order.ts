/**
 * Order: keyed by its deterministic client order id, created once as INTENT, then moved through broker
 * statuses by conditional updates on `version` (each appends one `statusHistory` entry).
 */
import { OrderStatus, Side } from '@ensemble/core';
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createOrderEntity = () =>
  new Entity({
    model: { entity: 'order', version: '1', service: 'ensemble' },
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
      version: { type: 'number', required: true },
      statusHistory: {
        type: 'list',
        required: true,
        items: {
          type: 'map',
          properties: {
            status: { type: 'string', required: true },
            at: { type: 'string', required: true },
            reason: { type: 'string' },
          },
        },
      },
      createdAt: { type: 'string', required: true },
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: {
        pk: { field: 'pk', composite: ['clientOrderId'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
      byRun: {
        index: 'gsi1',
        collection: 'runTimeline',
        pk: { field: 'gsi1pk', composite: ['runId'], casing: 'none' },
        sk: { field: 'gsi1sk', composite: ['clientOrderId'], casing: 'none' },
      },
      byBookDay: {
        index: 'gsi2',
        pk: { field: 'gsi2pk', composite: ['bookId'], casing: 'none' },
        sk: { field: 'gsi2sk', composite: ['tradingDay', 'clientOrderId'], casing: 'none' },
      },
    },
  });

export type OrderItem = EntityItem<ReturnType<typeof createOrderEntity>>;
export type CreateOrderItem = CreateEntityItem<ReturnType<typeof createOrderEntity>>;
