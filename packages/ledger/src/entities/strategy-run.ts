/**
 * StrategyRun: one per strategy per run, written once with its outcome (TRADED, ALL_HOLD, FAILED, BLOCKED,
 * SKIPPED), flow, error and timings. Listed by run (primary, gsi1 timeline) and by strategy and day (gsi2).
 */
import { Flow, Outcome } from '@ensemble/core';
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { storedError } from './attributes.ts';
import { byRun, byStrategyDay, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createStrategyRunEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'strategyRun', version: '1', service },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      strategyId: { type: 'string', required: true, readOnly: true },
      flow: { type: Flow.options, required: true },
      outcome: { type: Outcome.options, required: true },
      error: storedError,
      startedAt: { type: 'string', required: true },
      finishedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: primary(['runId'], ['strategyId']),
      byRun: byRun(['strategyId']),
      byStrategyDay: byStrategyDay(),
    },
  });

export type StrategyRunItem = EntityItem<ReturnType<typeof createStrategyRunEntity>>;
export type CreateStrategyRunItem = CreateEntityItem<ReturnType<typeof createStrategyRunEntity>>;
