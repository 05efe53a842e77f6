/**
 * The {@link TransferLedger} role in memory: transfers recorded once (amounts resolved as the DynamoDB
 * repository does) and applied once in one step; transfer plans; the FlowState and its claims.
 */
import { D } from '@ensemble/core';
import {
  costBasisFromSource,
  newTransfer,
  proRataCostBasis,
  transferEffects,
} from '../repository/effects.ts';
import { finalizedFlowFields, SameOn, sameOn } from '../repository/records.ts';
import type { TransferLedger } from '../repository/transfers.ts';
import type { FlowState, Transfer, TransferPlan } from '../types.ts';
import { applyEffects } from './journal.ts';
import { createOnce, type MemoryCtx } from './store.ts';
import { composite, frozenCopy } from './table.ts';

const EMPTY: FlowState = frozenCopy({ flows: {}, poolShares: {}, version: 0, updatedAt: null });

/** The FlowState, or null before the first claim. */
const readState = (m: MemoryCtx): FlowState | null => m.store.flowState;

/** Replace the FlowState (`pendingPlanId` absent unless given). */
const writeState = (m: MemoryCtx, state: FlowState): void => {
  m.store.flowState = frozenCopy(state);
};

const applyTransfer =
  (m: MemoryCtx): TransferLedger['applyTransfer'] =>
  async (input) => {
    const { transfers, positions } = m.store;
    const existing = costBasisFromSource(input) ? (transfers.get(input.transferId) ?? null) : null;
    const transfer = await newTransfer(input, m.now(), async (p) =>
      existing !== null
        ? existing.amount
        : proRataCostBasis(
            positions.get(composite(p.from, p.symbol)) ?? null,
            p.from,
            p.symbol,
            new D(p.qty),
          ),
    );
    const same = (e: Transfer) => sameOn(transfer, e, SameOn.transfer);
    const recorded = existing
      ? same(existing)
        ? { status: 'exists' as const, item: existing }
        : { status: 'conflict' as const, current: existing }
      : createOnce(m, 'recordTransfer', transfers, transfer, same);
    if (recorded.status === 'conflict') return recorded;
    const t = recorded.item;
    if (t.appliedAt !== undefined) return { status: 'already-applied', transfer: t };
    let marked = t;
    applyEffects(m, 'applyTransfer', `transfer:${t.transferId}`, transferEffects(t), () => {
      marked = transfers.put({ ...t, appliedAt: m.now() });
    });
    return { status: 'applied', transfer: marked };
  };

/** The {@link TransferLedger} over a memory store. */
export const memoryTransferLedger = (m: MemoryCtx): TransferLedger => {
  const { transfers, transferPlans } = m.store;
  return {
    applyTransfer: applyTransfer(m),
    getTransfer: async (transferId) => transfers.get(transferId) ?? null,
    listTransfers: async (o) => transfers.page('byDay', '', o),
    listUnallocatedCashTransfers: async (o) => transfers.page('unallocatedCash', '', o),
    getFlowState: async () => readState(m) ?? EMPTY,
    claimFlowState: async (input) => {
      const updatedAt = m.now();
      m.write('claimFlowState');
      const cur = readState(m);
      const free =
        input.expectedVersion === 0
          ? cur === null
          : cur?.version === input.expectedVersion && cur.pendingPlanId === undefined;
      if (free) {
        writeState(m, {
          ...(cur ?? { flows: {}, poolShares: input.initialPoolShares ?? {} }),
          version: input.expectedVersion + 1,
          pendingPlanId: input.planId,
          updatedAt,
        });
        return { status: 'updated', item: readState(m)! };
      }
      if (cur?.pendingPlanId === input.planId) return { status: 'replayed', item: cur };
      return { status: 'conflict', current: cur };
    },
    finalizeFlowState: async (input) => {
      const cur = readState(m);
      if (cur?.pendingPlanId !== input.planId) {
        return cur?.lastPlanId === input.planId
          ? { status: 'replayed', item: cur }
          : { status: 'conflict', current: cur };
      }
      m.write('finalizeFlowState');
      const { pendingPlanId: _claim, ...rest } = cur;
      writeState(m, { ...rest, ...finalizedFlowFields(cur, input, m.now()) });
      return { status: 'updated', item: readState(m)! };
    },
    releaseFlowState: async (planId) => {
      const cur = readState(m);
      if (cur?.pendingPlanId !== planId) return { released: false };
      m.write('releaseFlowState');
      const { pendingPlanId: _claim, ...rest } = cur;
      writeState(m, { ...rest, version: cur.version + 1, updatedAt: m.now() });
      return { released: true };
    },
    recordTransferPlan: async (input) => {
      const item: TransferPlan = { ...input, status: 'PENDING', recordedAt: m.now() };
      return createOnce(m, 'recordTransferPlan', transferPlans, item, (e) =>
        sameOn(item, e, SameOn.transferPlan),
      );
    },
    getTransferPlan: async (planId) => transferPlans.get(planId) ?? null,
    markTransferPlanApplied: async (planId) => {
      const appliedAt = m.now();
      m.write('markTransferPlanApplied');
      const current = transferPlans.get(planId) ?? null;
      if (current?.status === 'PENDING') {
        return { status: 'updated', item: transferPlans.put({ ...current, status: 'APPLIED', appliedAt }) };
      }
      return current?.status === 'APPLIED'
        ? { status: 'replayed', item: current }
        : { status: 'conflict', current };
    },
    listTransferPlans: async (o) => transferPlans.page('byDay', '', o),
  };
};
