/**
 * Transfer plans and the FlowState they change. A plan (funding, capital drift, flag flip) claims the one
 * FlowState item (`pendingPlanId`, conditional on `version`), is recorded once with its transfers, has its
 * transfers applied through the journal, is marked APPLIED, and finally releases the claim while writing the
 * flows and pool shares it leads to (conditional on still holding the claim). Every step is a conditional
 * write whose repeat is recognised, so a crash between any two leaves a state the same call completes.
 */
import { FLOW_STATE_NAME } from '../entities/flow-state.ts';
import type {
  DayRangeOptions,
  Flow,
  FlowState,
  Page,
  PlannedTransfer,
  RecordResult,
  TradingDay,
  TransferPlan,
  TransferPlanKind,
  TransitionResult,
} from '../types.ts';
import { type Ctx, conditional, createOnce, dayBounds, guard, pageOf, sameOn } from './shared.ts';

const KEY = { name: FLOW_STATE_NAME };

const readState = (ctx: Ctx): Promise<FlowState | null> =>
  guard('getFlowState', async () => {
    const { data } = await ctx.svc.entities.flowState.get(KEY).go({ originalErr: true, consistent: true });
    if (!data) return null;
    const { name: _name, ...state } = data;
    return state;
  });

const EMPTY: FlowState = { flows: {}, poolShares: {}, version: 0, updatedAt: null };

export const getFlowState = async (ctx: Ctx): Promise<FlowState> => (await readState(ctx)) ?? EMPTY;

/** Input of {@link claimFlowState}. */
export interface ClaimFlowStateInput {
  planId: string;
  /** The version read (0: no FlowState yet). */
  expectedVersion: number;
  /** Pool shares to start from when the FlowState is created by this claim. @default {} */
  initialPoolShares?: Record<string, string>;
}

export const claimFlowState = async (
  ctx: Ctx,
  input: ClaimFlowStateInput,
): Promise<TransitionResult<FlowState>> => {
  const entity = ctx.svc.entities.flowState;
  const updatedAt = ctx.now();
  const written =
    input.expectedVersion === 0
      ? await conditional('claimFlowState', () =>
          entity
            .create({
              ...KEY,
              flows: {},
              poolShares: input.initialPoolShares ?? {},
              version: 1,
              pendingPlanId: input.planId,
              updatedAt,
            })
            .go({ originalErr: true }),
        )
      : await conditional('claimFlowState', () =>
          entity
            .patch(KEY)
            .set({ pendingPlanId: input.planId, version: input.expectedVersion + 1, updatedAt })
            .where(
              ({ version, pendingPlanId }, { eq, notExists }) =>
                `${eq(version, input.expectedVersion)} AND ${notExists(pendingPlanId)}`,
            )
            .go({ originalErr: true }),
        );
  const current = await readState(ctx);
  if (written && current) return { status: 'updated', item: current };
  if (current?.pendingPlanId === input.planId) return { status: 'replayed', item: current };
  return { status: 'conflict', current };
};

/** Input of {@link finalizeFlowState}. */
export interface FinalizeFlowStateInput {
  planId: string;
  /** Flows to set (merged into the current flows). */
  flows: Record<string, Flow>;
  /** The pool's shares from now on. */
  poolShares: Record<string, string>;
}

export const finalizeFlowState = async (
  ctx: Ctx,
  input: FinalizeFlowStateInput,
): Promise<TransitionResult<FlowState>> => {
  for (let attempt = 1; attempt <= ctx.maxAttempts; attempt++) {
    const cur = await readState(ctx);
    if (cur?.pendingPlanId !== input.planId) {
      return cur?.lastPlanId === input.planId
        ? { status: 'replayed', item: cur }
        : { status: 'conflict', current: cur };
    }
    const written = await conditional('finalizeFlowState', () =>
      ctx.svc.entities.flowState
        .patch(KEY)
        .set({
          flows: { ...cur.flows, ...input.flows },
          poolShares: input.poolShares,
          lastPlanId: input.planId,
          version: cur.version + 1,
          updatedAt: ctx.now(),
        })
        .remove(['pendingPlanId'])
        .where(
          ({ version, pendingPlanId }, { eq }) =>
            `${eq(version, cur.version)} AND ${eq(pendingPlanId, input.planId)}`,
        )
        .go({ originalErr: true }),
    );
    if (written) return { status: 'updated', item: (await readState(ctx)) ?? cur };
  }
  return { status: 'conflict', current: await readState(ctx) };
};

/** Drop a claim whose plan was never recorded (so no transfer of it was applied). */
export const releaseFlowState = async (ctx: Ctx, planId: string): Promise<{ released: boolean }> => {
  const cur = await readState(ctx);
  if (cur?.pendingPlanId !== planId) return { released: false };
  const released = await conditional('releaseFlowState', () =>
    ctx.svc.entities.flowState
      .patch(KEY)
      .set({ version: cur.version + 1, updatedAt: ctx.now() })
      .remove(['pendingPlanId'])
      .where(
        ({ version, pendingPlanId }, { eq }) =>
          `${eq(version, cur.version)} AND ${eq(pendingPlanId, planId)}`,
      )
      .go({ originalErr: true }),
  );
  return { released };
};

/** Input of {@link recordTransferPlan}. */
export interface RecordTransferPlanInput {
  planId: string;
  day: TradingDay;
  kind: TransferPlanKind;
  reason: string;
  runId?: string;
  strategyId?: string;
  fromFlow?: Flow;
  toFlow?: Flow;
  transfers: PlannedTransfer[];
  flowsAfter: Record<string, Flow>;
  poolSharesBefore: Record<string, string>;
  poolSharesAfter: Record<string, string>;
}

export const getTransferPlan = (ctx: Ctx, planId: string): Promise<TransferPlan | null> =>
  guard('getTransferPlan', async () => {
    const { data } = await ctx.svc.entities.transferPlan
      .get({ planId })
      .go({ originalErr: true, consistent: true });
    return data ? data : null;
  });

export const recordTransferPlan = (
  ctx: Ctx,
  input: RecordTransferPlanInput,
): Promise<RecordResult<TransferPlan>> => {
  const item: TransferPlan = { ...input, status: 'PENDING', recordedAt: ctx.now() };
  return createOnce(
    'recordTransferPlan',
    item,
    () => ctx.svc.entities.transferPlan.create(item).go({ originalErr: true }),
    () => getTransferPlan(ctx, input.planId),
    (e) => sameOn(item, e, ['kind', 'strategyId', 'toFlow', 'transfers', 'flowsAfter', 'poolSharesAfter']),
  );
};

export const markTransferPlanApplied = async (
  ctx: Ctx,
  planId: string,
): Promise<TransitionResult<TransferPlan>> => {
  const written = await conditional('markTransferPlanApplied', () =>
    ctx.svc.entities.transferPlan
      .patch({ planId })
      .set({ status: 'APPLIED', appliedAt: ctx.now() })
      .where(({ status }, { eq }) => eq(status, 'PENDING'))
      .go({ originalErr: true }),
  );
  const current = await getTransferPlan(ctx, planId);
  if (written && current) return { status: 'updated', item: current };
  return current?.status === 'APPLIED'
    ? { status: 'replayed', item: current }
    : { status: 'conflict', current };
};

export const listTransferPlans = (ctx: Ctx, options: DayRangeOptions = {}): Promise<Page<TransferPlan>> =>
  guard('listTransferPlans', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.transferPlan.query
      .byDay({})
      .between({ day: from }, { day: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });
