/**
 * Signal: the target weights one strategy produced in one run, with a reference to its evaluation trace.
 * Written once per (run, strategy).
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createSignalEntity = () =>
  new Entity({
    model: { entity: 'signal', version: '1', service: 'ensemble' },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      strategyId: { type: 'string', required: true, readOnly: true },
      weights: { type: 'any', required: true },
      traceRef: { type: 'string', required: true },
      recordedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: {
        pk: { field: 'pk', composite: ['runId'], casing: 'none' },
        sk: { field: 'sk', composite: ['strategyId'], casing: 'none' },
      },
      byRun: {
        index: 'gsi1',
        collection: 'runTimeline',
        pk: { field: 'gsi1pk', composite: ['runId'], casing: 'none' },
        sk: { field: 'gsi1sk', composite: ['strategyId'], casing: 'none' },
      },
      byStrategyDay: {
        index: 'gsi2',
        pk: { field: 'gsi2pk', composite: ['strategyId'], casing: 'none' },
        sk: { field: 'gsi2sk', composite: ['tradingDay', 'runId'], casing: 'none' },
      },
    },
  });

export type SignalItem = EntityItem<ReturnType<typeof createSignalEntity>>;
export type CreateSignalItem = CreateEntityItem<ReturnType<typeof createSignalEntity>>;
