/**
 * TransferPlan: a set of ledger transfers decided once and then applied (initial funding, capital drift
 * rebalancing, a flag flip), with the flows and pool shares it leads to. Recorded before its first transfer
 * is applied, so a re-run after a crash applies the recorded transfers instead of recomputing them from
 * half-moved books. `status` goes PENDING → APPLIED once every transfer is applied.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { allOnGsi2, primary } from './indexes.ts';

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createTransferPlanEntity = () =>
  new Entity({
    model: { entity: 'transferPlan', version: '1', service: 'ensemble' },
    attributes: {
      planId: { type: 'string', required: true, readOnly: true },
      day: { type: 'string', required: true, readOnly: true },
      kind: { type: ['funding', 'capital', 'flip'] as const, required: true, readOnly: true },
      reason: { type: 'string', required: true, readOnly: true },
      runId: { type: 'string', readOnly: true },
      strategyId: { type: 'string', readOnly: true },
      fromFlow: { type: 'string', readOnly: true },
      toFlow: { type: 'string', readOnly: true },
      /** The transfers, in application order (each with its deterministic transfer id). */
      transfers: { type: 'any', required: true, readOnly: true },
      /** strategyId → flow set by the plan (merged into FlowState). */
      flowsAfter: { type: 'any', required: true, readOnly: true },
      poolSharesBefore: { type: 'any', required: true, readOnly: true },
      poolSharesAfter: { type: 'any', required: true, readOnly: true },
      status: { type: ['PENDING', 'APPLIED'] as const, required: true },
      recordedAt: { type: 'string', required: true },
      appliedAt: { type: 'string' },
    },
    indexes: {
      byId: primary(['planId'], []),
      byDay: allOnGsi2(['day', 'planId']),
    },
  });

export type TransferPlanItem = EntityItem<ReturnType<typeof createTransferPlanEntity>>;
export type CreateTransferPlanItem = CreateEntityItem<ReturnType<typeof createTransferPlanEntity>>;
