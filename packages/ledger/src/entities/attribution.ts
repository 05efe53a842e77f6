/**
 * PoolAttribution: in the aggregated flow, the share of the pool book attributed to one strategy in one run
 * (fraction of NAV, capital, merged weights, attributed holdings). Written once per (run, strategy).
 */
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { jsonQuantities, jsonWeights } from './attributes.ts';
import { byRun, byStrategyDay, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createPoolAttributionEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'poolAttribution', version: '1', service },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      strategyId: { type: 'string', required: true, readOnly: true },
      /** Fraction of the pool's NAV attributed to the strategy (0..1). */
      fraction: { type: 'string', required: true },
      /** Capital (USD) attributed to the strategy. */
      capital: { type: 'string', required: true },
      /** The strategy's target weights merged into the pool: symbol → weight. */
      weights: { ...jsonWeights, required: true },
      /** Shares of the pool's holdings attributed to the strategy: symbol → qty. */
      holdings: { ...jsonQuantities, required: true },
      recordedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: primary(['runId'], ['strategyId']),
      byRun: byRun(['strategyId']),
      byStrategyDay: byStrategyDay(),
    },
  });

export type PoolAttributionItem = EntityItem<ReturnType<typeof createPoolAttributionEntity>>;
export type CreatePoolAttributionItem = CreateEntityItem<ReturnType<typeof createPoolAttributionEntity>>;
