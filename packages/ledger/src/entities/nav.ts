/**
 * Nav: a book's value at the close of one day (cash, positions value, NAV, flows in and out), written once
 * per (book, day). Listed by book over a day range (primary) and by day across books (gsi1).
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { onGsi1, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createNavEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'nav', version: '1', service },
    attributes: {
      bookId: { type: 'string', required: true, readOnly: true },
      day: { type: 'string', required: true, readOnly: true },
      cash: { type: 'string', required: true },
      positionsValue: { type: 'string', required: true },
      nav: { type: 'string', required: true },
      flowsIn: { type: 'string', required: true },
      flowsOut: { type: 'string', required: true },
      recordedAt: { type: 'string', required: true },
    },
    indexes: {
      byBookDay: primary(['bookId'], ['day']),
      byDay: onGsi1(['day'], ['bookId']),
    },
  });

export type NavItem = EntityItem<ReturnType<typeof createNavEntity>>;
export type CreateNavItem = CreateEntityItem<ReturnType<typeof createNavEntity>>;
