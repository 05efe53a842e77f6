/**
 * Runs a transfer plan through the ledger exactly once, without transactions:
 *  1. claim the FlowState (conditional on the version read and on no other plan pending);
 *  2. record the plan (its transfers with deterministic ids, the flows and pool shares it leads to);
 *  3. apply each transfer (the journal applies each once);
 *  4. mark the plan APPLIED;
 *  5. release the claim, writing the plan's flows and pool shares.
 * A crash between any two writes leaves either a claim without a plan (nothing moved: the claim is dropped
 * by the next operation) or a recorded plan (the next operation completes it from the record, never from
 * the half-moved books).
 */
import { EXTERNAL, forEachLimit, UNALLOCATED } from '@ensemble/core';
import { LedgerContentionError, LedgerInvariantError } from '../errors.ts';
import type { RecordTransferPlanInput, TransferLedger } from '../repository/index.ts';
import type { FlowState, PlannedTransfer, TransferPlan } from '../types.ts';

/** A plan's content as an operation decides it (everything but its id). */
export type PlanContent = Omit<RecordTransferPlanInput, 'planId'>;

const applyPlanned = async (ledger: PlanApplyLedger, plan: TransferPlan, t: PlannedTransfer) => {
  const base = {
    transferId: t.transferId,
    day: plan.day,
    from: t.from,
    to: t.to,
    reason: plan.reason,
    ...(plan.runId === undefined ? {} : { runId: plan.runId }),
  };
  const r =
    t.kind === 'position'
      ? await ledger.applyTransfer({
          ...base,
          kind: 'position',
          symbol: t.symbol ?? '',
          qty: t.qty ?? '0',
          costBasis: t.amount,
        })
      : await ledger.applyTransfer({ ...base, kind: 'cash', amount: t.amount });
  if (r.status === 'conflict') {
    throw new LedgerInvariantError(
      `transfer ${t.transferId} of plan ${plan.planId} exists with other amounts (${JSON.stringify(r.current)})`,
    );
  }
};

/** Transfers applied at once when no two of them touch one book (funding: one book each). */
export const PLAN_TRANSFER_CONCURRENCY = 8;

/** True when no book (`unallocated` and `external` have no items) is touched by two of `transfers`. */
const touchDisjointBooks = (transfers: readonly PlannedTransfer[]): boolean => {
  const seen = new Set<string>();
  for (const t of transfers) {
    for (const book of [t.from, t.to]) {
      if (book === UNALLOCATED || book === EXTERNAL) continue;
      if (seen.has(book)) return false;
      seen.add(book);
    }
  }
  return true;
};

/** The ledger roles applying a recorded plan's transfers uses. */
export type PlanApplyLedger = Pick<TransferLedger, 'applyTransfer' | 'markTransferPlanApplied'>;

/**
 * Steps 3–4 for a recorded plan: each of its transfers applied once, then the plan marked APPLIED; nothing
 * when it is APPLIED already. Plans that change no flow (a run's netting) stop here.
 */
export const applyTransferPlan = async (ledger: PlanApplyLedger, plan: TransferPlan): Promise<void> => {
  if (plan.status === 'APPLIED') return;
  // Each transfer is applied once whatever the order; transfers sharing a book go one at a time (each
  // would otherwise retry on the other's version of that book's items).
  const limit = touchDisjointBooks(plan.transfers) ? PLAN_TRANSFER_CONCURRENCY : 1;
  await forEachLimit(plan.transfers, limit, (t) => applyPlanned(ledger, plan, t));
  await ledger.markTransferPlanApplied(plan.planId);
};

/** Steps 3–5 for a recorded plan; returns the FlowState after it. */
export const completePlan = async (ledger: TransferLedger, plan: TransferPlan): Promise<FlowState> => {
  await applyTransferPlan(ledger, plan);
  const done = await ledger.finalizeFlowState({
    planId: plan.planId,
    flows: plan.flowsAfter,
    poolShares: plan.poolSharesAfter,
    ...(plan.allocationsAfter === undefined ? {} : { allocations: plan.allocationsAfter }),
  });
  if (done.status === 'conflict') {
    throw new LedgerInvariantError(
      `plan ${plan.planId} no longer holds the flow state (pending: ${done.current?.pendingPlanId ?? 'none'})`,
    );
  }
  return done.item;
};

/**
 * The FlowState with no plan pending: a plan another call left recorded is completed, a claim without a
 * plan is dropped. `keep` names a plan the caller resumes itself (left pending).
 */
export const settlePending = async (ledger: TransferLedger, keep?: string): Promise<FlowState> => {
  const state = await ledger.getFlowState();
  const pending = state.pendingPlanId;
  if (pending === undefined || pending === keep) return state;
  const plan = await ledger.getTransferPlan(pending);
  if (plan) await completePlan(ledger, plan);
  else await ledger.releaseFlowState(pending);
  return ledger.getFlowState();
};

/**
 * Steps 1–5: claims `state` for `planId` (unless it already holds the claim), records `content` (unless a
 * plan of that id is recorded: then the record wins) and completes it.
 */
export const runPlan = async (
  ledger: TransferLedger,
  state: FlowState,
  planId: string,
  content: PlanContent,
  initialPoolShares?: Record<string, string>,
): Promise<{ plan: TransferPlan; state: FlowState }> => {
  if (state.pendingPlanId !== planId) {
    const claim = await ledger.claimFlowState({
      planId,
      expectedVersion: state.version,
      ...(initialPoolShares === undefined ? {} : { initialPoolShares }),
    });
    if (claim.status === 'conflict') throw new LedgerContentionError('flowState', 1);
  }
  const recorded = await ledger.recordTransferPlan({ planId, ...content });
  const plan = recorded.status === 'conflict' ? recorded.current : recorded.item;
  const after = await completePlan(ledger, plan);
  return { plan: (await ledger.getTransferPlan(planId)) ?? plan, state: after };
};
