/**
 * The {@link TransferLedger} role. Transfers of shares (with cost basis) or cash between books, each recorded
 * once with its amounts resolved and applied once through the journal; the transfer plans that group them
 * (transfer-plans.ts) and the FlowState they change (flow-state.ts).
 */
import { CASH_DP, D, EXTERNAL, str, UNALLOCATED } from '@ensemble/core';
import { LedgerInvariantError } from '../errors.ts';
import type {
  BookId,
  DayRangeOptions,
  FlowState,
  Page,
  RecordResult,
  TradingDay,
  Transfer,
  TransferEndpoint,
  TransferPlan,
  TransitionResult,
} from '../types.ts';
import { type Ctx, createOnce, guard, sameOn } from './context.ts';
import {
  type ClaimFlowStateInput,
  claimFlowState,
  type FinalizeFlowStateInput,
  finalizeFlowState,
  getFlowState,
  releaseFlowState,
} from './flow-state.ts';
import { applyEntry, type Effect } from './journal.ts';
import { dayBounds, pageOf } from './paging.ts';
import {
  getTransferPlan,
  listTransferPlans,
  markTransferPlanApplied,
  type RecordTransferPlanInput,
  recordTransferPlan,
} from './transfer-plans.ts';

/** Moves of value between books, the plans that group them, and the FlowState those plans change. */
export interface TransferLedger {
  /** Record a transfer once (its amounts resolved) and apply it to both books, exactly once. */
  applyTransfer(input: ApplyTransferInput): Promise<TransferResult>;
  /** Get a transfer by id, or null. */
  getTransfer(transferId: string): Promise<Transfer | null>;
  /** List transfers by day. */
  listTransfers(options?: DayRangeOptions): Promise<Page<Transfer>>;
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

/** Input of {@link applyTransfer}: shares of a symbol, or cash. */
export type ApplyTransferInput = {
  /** Deterministic id of the move (e.g. `<runId>:flip:<strategy>:<symbol>`); the move happens once per id. */
  transferId: string;
  day: TradingDay;
  from: TransferEndpoint;
  to: TransferEndpoint;
  reason: string;
  runId?: string;
} & (
  | {
      kind: 'position';
      symbol: string;
      qty: string;
      /** Cost basis moved with the shares. @default pro rata of the source position when first recorded, rounded down to cents */
      costBasis?: string;
    }
  | { kind: 'cash'; amount: string }
);

/** Result of {@link applyTransfer}. */
export type TransferResult =
  | { status: 'applied' | 'already-applied'; transfer: Transfer }
  | { status: 'conflict'; current: Transfer };

const resolveCostBasis = async (ctx: Ctx, from: BookId, symbol: string, qty: D): Promise<string> => {
  const { data } = await guard('readPosition', () =>
    ctx.svc.entities.position.get({ bookId: from, symbol }).go({ originalErr: true, consistent: true }),
  );
  const held = new D(data?.qty ?? '0');
  if (held.lessThan(qty)) {
    throw new LedgerInvariantError(`cannot move ${str(qty)} ${symbol} from ${from}: it holds ${str(held)}`);
  }
  const cost = new D(data?.costBasis ?? '0');
  return str(held.equals(qty) ? cost : cost.times(qty).div(held).toDecimalPlaces(CASH_DP, D.ROUND_DOWN));
};

const recordTransfer = async (ctx: Ctx, input: ApplyTransferInput): Promise<RecordResult<Transfer>> => {
  // Read first only when the record decides the amount (a position's default cost basis: once the shares
  // moved, the source no longer says it); otherwise the create-once write finds any earlier record itself.
  const existing =
    input.kind === 'position' && input.costBasis === undefined
      ? await getTransfer(ctx, input.transferId)
      : null;
  const { transferId, day, from, to, reason, runId, kind } = input;
  const base = { transferId, day, kind, from, to, reason, ...(runId === undefined ? {} : { runId }) };
  if (from === to) throw new LedgerInvariantError(`transfer ${transferId} moves from ${from} to itself`);
  let transfer: Transfer;
  if (input.kind === 'position') {
    if (from === UNALLOCATED || to === UNALLOCATED) {
      throw new LedgerInvariantError(
        `transfer ${transferId}: shares move only between books (or from/to outside, by a corporate action)`,
      );
    }
    const qty = new D(input.qty);
    if (from === EXTERNAL && input.costBasis === undefined) {
      throw new LedgerInvariantError(
        `transfer ${transferId}: shares issued from outside need their cost basis`,
      );
    }
    const amount =
      input.costBasis !== undefined
        ? str(new D(input.costBasis))
        : (existing?.amount ?? (await resolveCostBasis(ctx, from, input.symbol, qty)));
    transfer = { ...base, symbol: input.symbol, qty: str(qty), amount, recordedAt: ctx.now() };
  } else {
    transfer = { ...base, amount: str(new D(input.amount)), recordedAt: ctx.now() };
  }
  const same = (e: Transfer) => sameOn(transfer, e, ['kind', 'from', 'to', 'symbol', 'qty', 'amount']);
  if (existing)
    return same(existing) ? { status: 'exists', item: existing } : { status: 'conflict', current: existing };
  return createOnce(
    'recordTransfer',
    transfer,
    () => ctx.svc.entities.transfer.create(transfer).go({ originalErr: true }),
    () => getTransfer(ctx, transferId),
    same,
  );
};

const transferEffects = (t: Transfer): Effect[] => {
  const amount = new D(t.amount);
  const effects: Effect[] = [];
  // `unallocated` and `external` have no items: only the books' sides change.
  const book = (id: string) => id !== UNALLOCATED && id !== EXTERNAL;
  if (t.kind === 'position') {
    const qty = new D(t.qty ?? '0');
    const symbol = t.symbol ?? '';
    if (book(t.from)) {
      effects.push({
        kind: 'position',
        bookId: t.from,
        symbol,
        apply: (s) => ({ qty: s.qty.minus(qty), costBasis: s.costBasis.minus(amount) }),
      });
    }
    if (book(t.to)) {
      effects.push({
        kind: 'position',
        bookId: t.to,
        symbol,
        apply: (s) => ({ qty: s.qty.plus(qty), costBasis: s.costBasis.plus(amount) }),
      });
    }
  } else {
    if (book(t.from)) effects.push({ kind: 'cash', bookId: t.from, apply: (c) => c.minus(amount) });
    if (book(t.to)) effects.push({ kind: 'cash', bookId: t.to, apply: (c) => c.plus(amount) });
  }
  return effects;
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

/** The {@link TransferLedger} over `ctx`. */
export const transferLedger = (ctx: Ctx): TransferLedger => ({
  applyTransfer: (input) => applyTransfer(ctx, input),
  getTransfer: (transferId) => getTransfer(ctx, transferId),
  listTransfers: (options) => listTransfers(ctx, options),
  getFlowState: () => getFlowState(ctx),
  claimFlowState: (input) => claimFlowState(ctx, input),
  finalizeFlowState: (input) => finalizeFlowState(ctx, input),
  releaseFlowState: (planId) => releaseFlowState(ctx, planId),
  recordTransferPlan: (input) => recordTransferPlan(ctx, input),
  getTransferPlan: (planId) => getTransferPlan(ctx, planId),
  markTransferPlanApplied: (planId) => markTransferPlanApplied(ctx, planId),
  listTransferPlans: (options) => listTransferPlans(ctx, options),
});
