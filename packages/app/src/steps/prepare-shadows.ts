/**
 * PrepareShadows (shadow mode, docs/shadow.md): once per run, after production has traded, brings the
 * ledger's shadow scope to the configuration's shadowed strategies, by the ledger's own operations, one after
 * another (they serialize on the shadow FlowState):
 *  - a strategy the shadow scope does not know is funded (`fundBooks`) at its paper allocation of the account's
 *    equity (`paperAllocations`), from the shadow scope's `unallocated`: paper money, outside the account;
 *  - a strategy whose paper flow changed is flipped (`flipFlow`: carved out of, or merged into, the paper
 *    pool by ledger transfers, totals unchanged), so its paper history carries on in the other flow;
 *  - a member of the paper pool that is no longer shadowed as aggregated is carved out of it into its own
 *    paper book (which then stays as it is, readable, untraded), so the pool never waits on its signal.
 * Then lists the paper books to trade: each shadowed per-book strategy's, and the paper pool if it has members.
 * Idempotent: funding and flips are transfer plans (a re-run completes them, never repeats them).
 */
import { bookOf, POOL_BOOK } from '@ensemble/core';
import { flipFlow, fundBooks } from '@ensemble/ledger';
import type { PrepareShadowsInput, PrepareShadowsOutput, ShadowItem } from '@ensemble/workflow/contract';
import { shadowPortsOf } from '../shadow/paper-deps.ts';
import type { StepDeps } from '../step-deps.ts';
import { paperAllocations, shadowedStrategies } from '../strategies.ts';
import { task } from '../task.ts';
import { activeRun } from './active-run.ts';

export const prepareShadows = async (
  deps: StepDeps,
  input: PrepareShadowsInput,
): Promise<PrepareShadowsOutput> => {
  const { ledger, nonFractionable = [] } = shadowPortsOf(deps);
  const { logger } = deps.observe;
  await activeRun(deps.ports.ledger, input.runId);
  const snapshot = await deps.readSnapshot(input.snapshotRef);
  const shadowed = shadowedStrategies(deps.config);
  const allocations = paperAllocations(deps.config);
  const common = { day: input.tradingDay, prices: { ...snapshot.prices }, runId: input.runId };

  let state = await ledger.getFlowState();
  for (const { strategy, flow } of shadowed) {
    const known = state.flows[strategy.id];
    if (known === flow) continue;
    if (known === undefined) {
      const allocation = allocations[strategy.id] ?? String(strategy.allocation);
      const r = await fundBooks(ledger, {
        ...common,
        policy: { kind: 'fixed', allocations: { [strategy.id]: allocation } },
        strategies: [{ id: strategy.id, flow }],
        accountEquity: input.equity,
      });
      logger.info('paper book funded', { strategyId: strategy.id, flow, allocation, status: r.status });
      state = r.state;
    } else {
      const r = await flipFlow(ledger, {
        ...common,
        strategyId: strategy.id,
        from: known,
        to: flow,
        nonFractionable: [...nonFractionable],
      });
      logger.info('paper book flipped', { strategyId: strategy.id, from: known, to: flow, status: r.status });
      state = r.state;
    }
  }
  const pooled = new Set(shadowed.filter((s) => s.flow === 'aggregated').map((s) => s.strategy.id));
  for (const id of Object.keys(state.poolShares).sort()) {
    if (pooled.has(id)) continue;
    const r = await flipFlow(ledger, {
      ...common,
      strategyId: id,
      from: 'aggregated',
      to: 'per-book',
      nonFractionable: [...nonFractionable],
      reason: `${id} left the paper pool (no longer shadowed as aggregated)`,
    });
    logger.info('paper pool member carved out', { strategyId: id, status: r.status });
    state = r.state;
  }

  const items: ShadowItem[] = shadowed
    .filter((s) => s.flow === 'per-book')
    .map((s) => ({ bookId: bookOf(s.strategy.id) }));
  if (pooled.size > 0) items.push({ bookId: POOL_BOOK });
  return { items };
};

/** The `PrepareShadows` task. */
export const prepareShadowsTask = task('PrepareShadows', prepareShadows);
