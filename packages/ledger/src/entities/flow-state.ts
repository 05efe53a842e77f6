/**
 * FlowState: the one item that says how each strategy is traded now (`per-book` or `aggregated`) and each
 * pool member's share of the pool (and the allocations the books were funded to). Changed only by transfer plans (funding, capital drift, flag flips), each
 * claiming it first (`pendingPlanId`, conditional on `version`) and releasing it when its transfers are all
 * applied (conditional on the claim), so two plans never interleave and a crashed plan is resumed, not redone.
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { jsonAllocations, jsonFlows, jsonPoolShares } from './attributes.ts';
import { primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** The item's fixed name (there is one FlowState per table). */
export const FLOW_STATE_NAME = 'flows';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createFlowStateEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'flowState', version: '1', service },
    attributes: {
      name: { type: 'string', required: true, readOnly: true },
      /** strategyId → flow. */
      flows: { ...jsonFlows, required: true },
      /** strategyId → share of the pool (decimal strings summing to 1, or empty). */
      poolShares: { ...jsonPoolShares, required: true },
      /**
       * strategyId → the allocation the books were last funded or rebalanced to (absent on a ledger written
       * before allocations were recorded). PrepareRun compares it with the configured allocations: a change is
       * a reallocation plan, never silently ignored.
       */
      allocations: { ...jsonAllocations },
      version: { type: 'number', required: true },
      pendingPlanId: { type: 'string' },
      lastPlanId: { type: 'string' },
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byName: primary(['name'], []),
    },
  });

export type FlowStateItem = EntityItem<ReturnType<typeof createFlowStateEntity>>;
export type CreateFlowStateItem = CreateEntityItem<ReturnType<typeof createFlowStateEntity>>;
