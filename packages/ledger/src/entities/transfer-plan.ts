/**
 * TransferPlan: a set of ledger transfers decided once and then applied (initial funding, capital drift
 * rebalancing or reallocation, a flag flip, a corporate action), with the flows and pool shares it leads to. Recorded before its first transfer
 * is applied, so a re-run after a crash applies the recorded transfers instead of recomputing them from
 * half-moved books. `status` goes PENDING → APPLIED once every transfer is applied.
 */
import { Flow } from '@ensemble/core';
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { jsonAllocations, jsonCorporateAction, jsonFlows, jsonPoolShares } from './attributes.ts';
import { allOnGsi2, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createTransferPlanEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'transferPlan', version: '1', service },
    attributes: {
      planId: { type: 'string', required: true, readOnly: true },
      day: { type: 'string', required: true, readOnly: true },
      kind: {
        type: ['funding', 'capital', 'flip', 'corporate-action', 'netting'] as const,
        required: true,
        readOnly: true,
      },
      reason: { type: 'string', required: true, readOnly: true },
      runId: { type: 'string', readOnly: true },
      /** Flip only: the strategy and its flow before and after. */
      strategyId: { type: 'string', readOnly: true },
      fromFlow: { type: Flow.options, readOnly: true },
      toFlow: { type: Flow.options, readOnly: true },
      /** The transfers, in application order (each with its deterministic transfer id; no timestamps). */
      transfers: {
        type: 'list',
        required: true,
        readOnly: true,
        items: {
          type: 'map',
          properties: {
            transferId: { type: 'string', required: true },
            kind: { type: ['position', 'cash'] as const, required: true },
            from: { type: 'string', required: true },
            to: { type: 'string', required: true },
            symbol: { type: 'string' },
            qty: { type: 'string' },
            /** For `position`: cost basis moved with the shares; for `cash`: the amount. */
            amount: { type: 'string', required: true },
          },
        },
      },
      /** strategyId → flow set by the plan (merged into FlowState when the plan completes). */
      flowsAfter: { ...jsonFlows, required: true, readOnly: true },
      poolSharesBefore: { ...jsonPoolShares, required: true, readOnly: true },
      /** The pool's shares once the plan completes (equal to before when the plan does not change them). */
      poolSharesAfter: { ...jsonPoolShares, required: true, readOnly: true },
      /** strategyId → allocation once the plan completes (funding and capital plans); the FlowState takes it. */
      allocationsAfter: { ...jsonAllocations, readOnly: true },
      /** Corporate-action plans: the action applied (split ratio or dividend rate, its dates). */
      corporateAction: { ...jsonCorporateAction, readOnly: true },
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
