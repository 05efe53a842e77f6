/**
 * Notional: what one scope (`account`, or a book id) has reserved to trade on one day, in whole cents, with
 * the keys of the executions that reserved it. One item per (day, scope), updated by a conditional `ADD` of
 * the amount and the key together: the total can never pass the limit, and one execution counts once.
 */
import { Entity, type EntityItem } from 'electrodb';
import { primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createNotionalEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'notional', version: '1', service },
    attributes: {
      day: { type: 'string', required: true, readOnly: true },
      scope: { type: 'string', required: true, readOnly: true },
      totalCents: { type: 'number' },
      keys: { type: 'set', items: 'string' },
    },
    indexes: {
      byDayScope: primary(['day', 'scope'], []),
    },
  });

export type NotionalItem = EntityItem<ReturnType<typeof createNotionalEntity>>;
