/**
 * PaperAccount: a simulated broker account of shadow mode — the SimBroker's whole account state as its store
 * keeps it (JSON text, opaque to the ledger), replaced only conditionally on `version`. PaperOrder: an order
 * that account archived (immutable), by client order id, and found by broker order id on gsi1. Both carry a
 * `ttl` (epoch seconds): a paper account serves one trading day, so DynamoDB sweeps it some weeks later.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { onGsi1, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createPaperAccountEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'paperAccount', version: '1', service },
    attributes: {
      accountId: { type: 'string', required: true, readOnly: true },
      /** The account state as JSON text (the broker's schema; the ledger does not read it). */
      state: { type: 'string', required: true },
      /** 1 when created; every replacement adds one. */
      version: { type: 'number', required: true },
      updatedAt: { type: 'string', required: true },
      ttl: { type: 'number', required: true },
    },
    indexes: {
      byId: primary(['accountId'], []),
    },
  });

export type PaperAccountItem = EntityItem<ReturnType<typeof createPaperAccountEntity>>;
export type CreatePaperAccountItem = CreateEntityItem<ReturnType<typeof createPaperAccountEntity>>;

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createPaperOrderEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'paperOrder', version: '1', service },
    attributes: {
      accountId: { type: 'string', required: true, readOnly: true },
      clientOrderId: { type: 'string', required: true, readOnly: true },
      /** The broker's order id. */
      orderId: { type: 'string', required: true, readOnly: true },
      /** The archived order as JSON text (the broker's schema). */
      order: { type: 'string', required: true, readOnly: true },
      ttl: { type: 'number', required: true },
    },
    indexes: {
      byClientOrderId: primary(['accountId', 'clientOrderId'], []),
      byOrderId: onGsi1(['accountId', 'orderId'], []),
    },
  });

export type PaperOrderItem = EntityItem<ReturnType<typeof createPaperOrderEntity>>;
