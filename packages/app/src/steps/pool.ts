/**
 * What the pool steps share: who the pool's members are (the FlowState's pool shares, the one source of
 * truth for the pool since PrepareRun applied funding and flips) and their signals in this run.
 *
 * A member without a signal (its Evaluate failed or was blocked) holds the pool: merging the others' weights
 * would trade the failed member's slice on someone else's signal, so the pool fails closed to a hold.
 */
import type { PoolShares, TargetWeights } from '@ensemble/core';
import type { SignalLedger, TransferLedger } from '@ensemble/ledger';

/** The pool's members and their signals. */
export interface PoolMembers {
  readonly shares: PoolShares;
  /** Member → target weights, for members with a signal in the run. */
  readonly targets: Readonly<Record<string, TargetWeights>>;
  /** Members without a signal, sorted. */
  readonly missing: readonly string[];
}

/** Reads the pool's members (from the FlowState) and their signals of `runId`. */
export const poolMembers = async (
  ledger: Pick<TransferLedger, 'getFlowState'> & Pick<SignalLedger, 'getSignal'>,
  runId: string,
): Promise<PoolMembers> => {
  const { poolShares } = await ledger.getFlowState();
  const ids = Object.keys(poolShares).sort();
  const signals = await Promise.all(ids.map((id) => ledger.getSignal(runId, id)));
  const targets: Record<string, TargetWeights> = {};
  const missing: string[] = [];
  ids.forEach((id, i) => {
    const s = signals[i];
    if (s) targets[id] = s.weights;
    else missing.push(id);
  });
  return { shares: poolShares, targets, missing };
};
