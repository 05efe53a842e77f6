/**
 * The {@link TransferLedger} role. Transfers of shares (with cost basis) or cash between books, each recorded
 * once with its amounts resolved and applied once through the journal; the transfer plans that group them
 * (transfer-plans.ts) and the FlowState they change (flow-state.ts).
 */
import { D, UNALLOCATED } from '@ensemble/core';
import type {
  DayRangeOptions,
  FlowState,
  Page,
  PageOptions,
  RecordResult,
  Transfer,
  TransferPlan,
  TransitionResult,
} from '../types.ts';
import { type Ctx, createOnce, guard, sameOn } from './context.ts';
import {
  costBasisFromSource,
  newTransfer,
  type PositionTransferInput,
  proRataCostBasis,
  transferEffects,
} from './effects.ts';
import {
  type ClaimFlowStateInput,
  claimFlowState,
  type FinalizeFlowStateInput,
  finalizeFlowState,
  getFlowState,
  releaseFlowState,
} from './flow-state.ts';
import type { ApplyTransferInput } from './inputs.ts';
import { applyEntry } from './journal.ts';
import { dayBounds, pageOf } from './paging.ts';
import { SameOn } from './records.ts';
import {
  getTransferPlan,
  listTransferPlans,
  markTransferPlanApplied,
  type RecordTransferPlanInput,
  recordTransferPlan,
} from './transfer-plans.ts';

export type { ApplyTransferInput } from './inputs.ts';

/** Moves of value between books, the plans that group them, and the FlowState those plans change. */
export interface TransferLedger {
  /** Record a transfer once (its amounts resolved) and apply it to both books, exactly once. */
  applyTransfer(input: ApplyTransferInput): Promise<TransferResult>;
  /** Get a transfer by id, or null. */
  getTransfer(transferId: string): Promise<Transfer | null>;
  /** List transfers by day. */
  listTransfers(options?: DayRangeOptions): Promise<Page<Transfer>>;
  /**
   * List the cash transfers between a book and the account's cash no book owns (`from` or `to`
   * `unallocated`: funding, capital moves, liquidations), by day: what that cash is made of. A page holds
   * up to `limit` of them (the transfers between books are never among them).
   */
  listUnallocatedCashTransfers(options?: PageOptions): Promise<Page<Transfer>>;
  /** Read the FlowState (version 0 and empty maps if never written). */
  getFlowState(): Promise<FlowState>;
  /** Claim the FlowState for a transfer plan, conditional on the version read and no plan pending. */
  claimFlowState(input: ClaimFlowStateInput): Promise<TransitionResult<FlowState>>;
  /** Write a plan's flows and pool shares and drop its claim, conditional on the claim. */
  finalizeFlowState(input: FinalizeFlowStateInput): Promise<TransitionResult<FlowState>>;
  /** Drop a claim whose plan was never recorded (no transfer of it can have been applied). */
  releaseFlowState(planId: string): Promise<{ released: boolean }>;
  /** Record a transfer plan once (status PENDING). */
  recordTransferPlan(input: RecordTransferPlanInput): Promise<RecordResult<TransferPlan>>;
  /** Get a transfer plan by id, or null. */
  getTransferPlan(planId: string): Promise<TransferPlan | null>;
  /** Mark a transfer plan APPLIED (once all its transfers are applied). */
  markTransferPlanApplied(planId: string): Promise<TransitionResult<TransferPlan>>;
  /** List transfer plans by day. */
  listTransferPlans(options?: DayRangeOptions): Promise<Page<TransferPlan>>;
}

/** Result of {@link applyTransfer}. */
export type TransferResult =
  | { status: 'applied' | 'already-applied'; transfer: Transfer }
  | { status: 'conflict'; current: Transfer };

const resolveCostBasis = async (ctx: Ctx, input: PositionTransferInput) => {
  const { data } = await guard('readPosition', () =>
    ctx.svc.entities.position
      .get({ bookId: input.from, symbol: input.symbol })
      .go({ originalErr: true, consistent: true }),
  );
  return proRataCostBasis(data, input.from, input.symbol, new D(input.qty));
};

const recordTransfer = async (ctx: Ctx, input: ApplyTransferInput): Promise<RecordResult<Transfer>> => {
  // Read first only when the record decides the amount (a position's default cost basis: once the shares
  // moved, the source no longer says it); otherwise the create-once write finds any earlier record itself.
  const existing = costBasisFromSource(input) ? await getTransfer(ctx, input.transferId) : null;
  const transfer = await newTransfer(input, ctx.now(), async (position) =>
    existing !== null ? existing.amount : resolveCostBasis(ctx, position),
  );
  const same = (e: Transfer) => sameOn(transfer, e, SameOn.transfer);
  if (existing)
    return same(existing) ? { status: 'exists', item: existing } : { status: 'conflict', current: existing };
  return createOnce(
    'recordTransfer',
    transfer,
    () => ctx.svc.entities.transfer.create(transfer).go({ originalErr: true }),
    () => getTransfer(ctx, input.transferId),
    same,
  );
};

const applyTransfer = async (ctx: Ctx, input: ApplyTransferInput): Promise<TransferResult> => {
  const recorded = await recordTransfer(ctx, input);
  if (recorded.status === 'conflict') return recorded;
  const t = recorded.item;
  let marked: Transfer | undefined;
  const status = await applyEntry(
    ctx,
    `transfer:${t.transferId}`,
    transferEffects(t),
    t.appliedAt !== undefined,
    async () => {
      const { data } = await ctx.svc.entities.transfer
        .patch({ transferId: t.transferId })
        .set({ appliedAt: ctx.now() })
        .where(({ appliedAt }, { notExists }) => notExists(appliedAt))
        .go({ originalErr: true, response: 'all_new' });
      marked = data;
    },
  );
  // The transfer as stored: returned by the write that marked it, as read when it was already marked, or
  // read again when a concurrent applier marked it first.
  const transfer = marked ?? (t.appliedAt !== undefined ? t : await getTransfer(ctx, t.transferId));
  return { status, transfer: transfer ?? t };
};

const getTransfer = (ctx: Ctx, transferId: string): Promise<Transfer | null> =>
  guard('getTransfer', async () => {
    const { data } = await ctx.svc.entities.transfer
      .get({ transferId })
      .go({ originalErr: true, consistent: true });
    return data;
  });

const listTransfers = (ctx: Ctx, options: DayRangeOptions = {}): Promise<Page<Transfer>> =>
  guard('listTransfers', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.transfer.query
      .byDay({})
      .between({ day: from }, { day: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

const listUnallocatedCashTransfers = (ctx: Ctx, options: PageOptions = {}): Promise<Page<Transfer>> =>
  guard('listUnallocatedCashTransfers', async () => {
    const unallocated: string = UNALLOCATED;
    const { data, cursor } = await ctx.svc.entities.transfer.query
      .byDay({})
      .where(
        ({ kind, from, to }, { eq }) =>
          `${eq(kind, 'cash')} AND (${eq(from, unallocated)} OR ${eq(to, unallocated)})`,
      )
      .go(pageOf(options));
    return { data, cursor };
  });

/** The {@link TransferLedger} over `ctx`. */
export const transferLedger = (ctx: Ctx): TransferLedger => ({
  applyTransfer: (input) => applyTransfer(ctx, input),
  getTransfer: (transferId) => getTransfer(ctx, transferId),
  listTransfers: (options) => listTransfers(ctx, options),
  listUnallocatedCashTransfers: (options) => listUnallocatedCashTransfers(ctx, options),
  getFlowState: () => getFlowState(ctx),
  claimFlowState: (input) => claimFlowState(ctx, input),
  finalizeFlowState: (input) => finalizeFlowState(ctx, input),
  releaseFlowState: (planId) => releaseFlowState(ctx, planId),
  recordTransferPlan: (input) => recordTransferPlan(ctx, input),
  getTransferPlan: (planId) => getTransferPlan(ctx, planId),
  markTransferPlanApplied: (planId) => markTransferPlanApplied(ctx, planId),
  listTransferPlans: (options) => listTransferPlans(ctx, options),
});
