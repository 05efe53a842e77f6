/**
 * Transfer plans: a set of transfers (funding, capital drift, a flag flip) recorded once before the first is
 * applied, then marked APPLIED once all are; the record, never the half-moved books, is what a re-run
 * completes (operations/plan-runner.ts). Part of the {@link TransferLedger} role.
 */
import type { DayRangeOptions, Page, RecordResult, TransferPlan, TransitionResult } from '../types.ts';
import { type Ctx, conditional, createOnce, guard, sameOn } from './context.ts';
import { dayBounds, pageOf } from './paging.ts';
import { SameOn } from './records.ts';

/** Input of {@link recordTransferPlan}: the plan as an operation decided it (PENDING until applied). */
export type RecordTransferPlanInput = Omit<TransferPlan, 'status' | 'recordedAt' | 'appliedAt'>;

export const getTransferPlan = (ctx: Ctx, planId: string): Promise<TransferPlan | null> =>
  guard('getTransferPlan', async () => {
    const { data } = await ctx.svc.entities.transferPlan
      .get({ planId })
      .go({ originalErr: true, consistent: true });
    return data;
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
    (e) => sameOn(item, e, SameOn.transferPlan),
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
