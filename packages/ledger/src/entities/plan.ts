/**
 * Plan: the orders planned for one book in one run, each with its reason. Written once per (run, book).
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { byBookDay, byRun, primary } from './indexes.ts';

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createPlanEntity = () =>
  new Entity({
    model: { entity: 'plan', version: '1', service: 'ensemble' },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      bookId: { type: 'string', required: true, readOnly: true },
      orders: { type: 'any', required: true },
      recordedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: primary(['runId'], ['bookId']),
      byRun: byRun(['bookId']),
      byBookDay: byBookDay('runId'),
    },
  });

export type PlanItem = EntityItem<ReturnType<typeof createPlanEntity>>;
export type CreatePlanItem = CreateEntityItem<ReturnType<typeof createPlanEntity>>;
