/**
 * Signal: the target weights one strategy produced in one run, with a reference to its evaluation trace.
 * Written once per (run, strategy).
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { jsonWeights } from './attributes.ts';
import { byRun, byStrategyDay, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createSignalEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'signal', version: '1', service },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      strategyId: { type: 'string', required: true, readOnly: true },
      /** symbol → weight (decimal strings summing to 1 or 0). */
      weights: { ...jsonWeights, required: true },
      /** Reference to the evaluation trace (object key, file path). */
      traceRef: { type: 'string', required: true },
      recordedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: primary(['runId'], ['strategyId']),
      byRun: byRun(['strategyId']),
      byStrategyDay: byStrategyDay(),
    },
  });

export type SignalItem = EntityItem<ReturnType<typeof createSignalEntity>>;
export type CreateSignalItem = CreateEntityItem<ReturnType<typeof createSignalEntity>>;
