/**
 * Lease: who may execute a symbol until when. Acquired by a put conditional on "absent, expired, or mine";
 * `expiresAtMs` drives the condition, `ttl` (the same instant in epoch seconds) lets DynamoDB sweep stale leases.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createLeaseEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'lease', version: '1', service },
    attributes: {
      symbol: { type: 'string', required: true, readOnly: true },
      holder: { type: 'string', required: true },
      acquiredAt: { type: 'string', required: true },
      expiresAt: { type: 'string', required: true },
      expiresAtMs: { type: 'number', required: true },
      ttl: { type: 'number', required: true },
    },
    indexes: {
      bySymbol: primary(['symbol'], []),
    },
  });

export type LeaseItem = EntityItem<ReturnType<typeof createLeaseEntity>>;
export type CreateLeaseItem = CreateEntityItem<ReturnType<typeof createLeaseEntity>>;
