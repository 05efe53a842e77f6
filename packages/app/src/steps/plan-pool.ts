/**
 * PlanPool: core's planPool over the pool book (merged member weights, the pool's own settings) → the pool
 * plan recorded once, each line's reason naming who caused it (the order attribution). A recorded plan is
 * returned as is; a pool with a member lacking a signal records an explicit hold (see pool.ts).
 */
import { type Broker, POOL_BOOK, planPool } from '@ensemble/core';
import type { BookLedger, PlanLedger, SignalLedger, TransferLedger } from '@ensemble/ledger';
import type { PlanOutput, RunRef } from '@ensemble/workflow/contract';
import { RecordConflictError } from '../errors.ts';
import type { StepDeps } from '../step-deps.ts';
import { task } from '../task.ts';
import { assetFacts, planOutput, pricesFor, recordPlan, scheduleOf } from './plan-rebalance.ts';
import { poolMembers } from './pool.ts';

/** The ledger roles PlanPool uses. */
type Ledger = PlanLedger & SignalLedger & BookLedger & Pick<TransferLedger, 'getFlowState'>;

export const planPoolStep = (deps: StepDeps<Ledger>, input: RunRef): Promise<PlanOutput> =>
  planPoolBook(deps, deps.ports.broker, input);

/**
 * PlanPool's work, with the broker whose asset facts it plans with given explicitly (the account's broker in
 * PlanPool; shadow mode's paper broker in the Shadow step).
 */
export const planPoolBook = async (
  deps: StepDeps<Ledger>,
  broker: Broker,
  input: RunRef,
): Promise<PlanOutput> => {
  const { ledger } = deps.ports;
  const recorded = await ledger.getPlan(input.runId, POOL_BOOK);
  if (recorded) return planOutput(recorded.orders.length);

  const members = await poolMembers(ledger, input.runId);
  if (Object.keys(members.shares).length === 0 || members.missing.length > 0) {
    const r = await ledger.recordPlan({
      runId: input.runId,
      tradingDay: input.tradingDay,
      bookId: POOL_BOOK,
      orders: [],
    });
    if (r.status === 'conflict') throw new RecordConflictError('plan', `${input.runId}/${POOL_BOOK}`);
    return planOutput(0);
  }
  const pool = await ledger.getBook(POOL_BOOK);
  const snapshot = await deps.readSnapshot(input.snapshotRef);
  const symbols = [
    ...pool.positions.map((p) => p.symbol),
    ...Object.values(members.targets).flatMap((w) => Object.keys(w)),
  ];
  const settings = deps.settings.pool();
  const { plan, attributions } = planPool({
    pool,
    shares: members.shares,
    targets: members.targets,
    prices: pricesFor(snapshot, symbols),
    assets: await assetFacts(broker, symbols),
    settings,
    schedule: await scheduleOf(ledger, POOL_BOOK, input.tradingDay, settings.rebalance),
  });
  const lines = plan.lines.map((line, i) => {
    const by = attributions[i]?.contributions.map((c) => `${c.strategyId} ${c.qty}`).join(', ');
    return by ? { ...line, reason: `${line.reason}; attributed: ${by}` } : line;
  });
  await recordPlan(ledger, input, { ...plan, lines });
  return planOutput(plan.lines.length);
};

/** The `PlanPool` task. */
export const planPoolTask = task('PlanPool', planPoolStep);
