/**
 * Plan: the orders planned for one book in one run, each with its reason. Written once per (run, book).
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';

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
      byId: {
        pk: { field: 'pk', composite: ['runId'], casing: 'none' },
        sk: { field: 'sk', composite: ['bookId'], casing: 'none' },
      },
      byRun: {
        index: 'gsi1',
        collection: 'runTimeline',
        pk: { field: 'gsi1pk', composite: ['runId'], casing: 'none' },
        sk: { field: 'gsi1sk', composite: ['bookId'], casing: 'none' },
      },
      byBookDay: {
        index: 'gsi2',
        pk: { field: 'gsi2pk', composite: ['bookId'], casing: 'none' },
        sk: { field: 'gsi2sk', composite: ['tradingDay', 'runId'], casing: 'none' },
      },
    },
  });

export type PlanItem = EntityItem<ReturnType<typeof createPlanEntity>>;
export type CreatePlanItem = CreateEntityItem<ReturnType<typeof createPlanEntity>>;
