/**
 * Flag: a named operational switch (today only `kill-switch`). Read before trading; a missing item means
 * the switch was never set (off).
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createFlagEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'flag', version: '1', service },
    attributes: {
      name: { type: 'string', required: true, readOnly: true },
      enabled: { type: 'boolean', required: true },
      reason: { type: 'string', required: true },
      updatedBy: { type: 'string', required: true },
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byName: primary(['name'], []),
    },
  });

export type FlagItem = EntityItem<ReturnType<typeof createFlagEntity>>;
export type CreateFlagItem = CreateEntityItem<ReturnType<typeof createFlagEntity>>;
