/**
 * The FlowState: the one item saying how each strategy is traded now and each pool member's share of the
 * pool. Changed only by transfer plans: a plan claims it (`pendingPlanId`, conditional on `version`), and
 * finalizes it (writing the plan's flows and pool shares, conditional on still holding the claim) once every
 * transfer of the plan is applied; a claim whose plan was never recorded is released. Part of the
 * {@link TransferLedger} role.
 */
import { FLOW_STATE_NAME } from '../entities/flow-state.ts';
import type { FlowState, TransitionResult } from '../types.ts';
import { type Ctx, conditional, guard } from './context.ts';
import type { FinalizeFlowStateInput } from './inputs.ts';
import { finalizedFlowFields } from './records.ts';

export type { FinalizeFlowStateInput } from './inputs.ts';

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
        .set(finalizedFlowFields(cur, input, ctx.now()))
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
