/** The {@link PlanLedger} role in memory: each book's plan in a run, and the pool members' attributions. */
import type { PlanLedger } from '../repository/plans.ts';
import { SameOn, sameOn } from '../repository/records.ts';
import type { Plan, PoolAttribution } from '../types.ts';
import { createOnce, type MemoryCtx } from './store.ts';
import { composite } from './table.ts';

/** The {@link PlanLedger} over a memory store. */
export const memoryPlanLedger = (m: MemoryCtx): PlanLedger => ({
  recordPlan: async (input) => {
    const item: Plan = { ...input, recordedAt: m.now() };
    return createOnce(m, 'recordPlan', m.store.plans, item, (e) => sameOn(item, e, SameOn.plan));
  },
  getPlan: async (runId, bookId) => m.store.plans.get(composite(runId, bookId)) ?? null,
  listPlansOfRun: async (runId, o) => m.store.plans.page('byRun', runId, o),
  listPlansOfBook: async (bookId, o) => m.store.plans.page('byBookDay', bookId, o),
  recordPoolAttribution: async (input) => {
    const item: PoolAttribution = { ...input, recordedAt: m.now() };
    return createOnce(m, 'recordPoolAttribution', m.store.poolAttributions, item, (e) =>
      sameOn(item, e, SameOn.poolAttribution),
    );
  },
  listPoolAttributionsOfRun: async (runId, o) => m.store.poolAttributions.page('byRun', runId, o),
  listPoolAttributionsOfStrategy: async (strategyId, o) =>
    m.store.poolAttributions.page('byStrategyDay', strategyId, o),
});
