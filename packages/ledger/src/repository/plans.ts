/**
 * The {@link PlanLedger} role: the orders planned for each book in a run, written once per (run, book), and
 * the pool attributions recorded with the pool's plan (attributions.ts).
 */
import type { PlanLine } from '@ensemble/core';
import type {
  BookId,
  DayRangeOptions,
  Page,
  PageOptions,
  Plan,
  PoolAttribution,
  RecordResult,
} from '../types.ts';
import {
  listPoolAttributionsOfRun,
  listPoolAttributionsOfStrategy,
  type RecordPoolAttributionInput,
  recordPoolAttribution,
} from './attributions.ts';
import { type Ctx, createOnce, guard, sameOn } from './context.ts';
import type { PlannedOrderInput, RecordPlanInput } from './inputs.ts';
import { dayBounds, pageOf } from './paging.ts';
import { SameOn } from './records.ts';

export type { PlannedOrderInput, RecordPlanInput } from './inputs.ts';

/** A planner line as the plan's stored order: quantity, the price and notional it was planned at, and why. */
export const plannedOrderOf = (line: PlanLine): PlannedOrderInput => ({
  symbol: line.symbol,
  side: line.side,
  qty: line.qty,
  price: line.price,
  notional: line.notional,
  reason: line.reason,
});

/** What the planner decided: each book's plan in a run, and each pool member's attribution. */
export interface PlanLedger {
  /** Record the orders planned for a book in a run, once. */
  recordPlan(input: RecordPlanInput): Promise<RecordResult<Plan>>;
  /** Get the plan of a book in a run, or null. */
  getPlan(runId: string, bookId: BookId): Promise<Plan | null>;
  /** List the plans of a run. */
  listPlansOfRun(runId: string, options?: PageOptions): Promise<Page<Plan>>;
  /** List a book's plans by day. */
  listPlansOfBook(bookId: BookId, options?: DayRangeOptions): Promise<Page<Plan>>;
  /** Record the share of the pool attributed to an aggregated strategy in a run, once. */
  recordPoolAttribution(input: RecordPoolAttributionInput): Promise<RecordResult<PoolAttribution>>;
  /** List the pool attributions of a run. */
  listPoolAttributionsOfRun(runId: string, options?: PageOptions): Promise<Page<PoolAttribution>>;
  /** List a strategy's pool attributions by day. */
  listPoolAttributionsOfStrategy(
    strategyId: string,
    options?: DayRangeOptions,
  ): Promise<Page<PoolAttribution>>;
}

const recordPlan = (ctx: Ctx, input: RecordPlanInput): Promise<RecordResult<Plan>> => {
  const item: Plan = { ...input, recordedAt: ctx.now() };
  return createOnce(
    'recordPlan',
    item,
    () => ctx.svc.entities.plan.create(item).go({ originalErr: true }),
    () => getPlan(ctx, input.runId, input.bookId),
    (e) => sameOn(item, e, SameOn.plan),
  );
};

const getPlan = (ctx: Ctx, runId: string, bookId: BookId): Promise<Plan | null> =>
  guard('getPlan', async () => {
    const { data } = await ctx.svc.entities.plan
      .get({ runId, bookId })
      .go({ originalErr: true, consistent: true });
    return data;
  });

const listPlansOfRun = (ctx: Ctx, runId: string, options: PageOptions = {}): Promise<Page<Plan>> =>
  guard('listPlansOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.plan.query.byId({ runId }).go(pageOf(options));
    return { data, cursor };
  });

const listPlansOfBook = (ctx: Ctx, bookId: BookId, options: DayRangeOptions = {}): Promise<Page<Plan>> =>
  guard('listPlansOfBook', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.plan.query
      .byBookDay({ bookId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

/** The {@link PlanLedger} over `ctx`. */
export const planLedger = (ctx: Ctx): PlanLedger => ({
  recordPlan: (input) => recordPlan(ctx, input),
  getPlan: (runId, bookId) => getPlan(ctx, runId, bookId),
  listPlansOfRun: (runId, options) => listPlansOfRun(ctx, runId, options),
  listPlansOfBook: (bookId, options) => listPlansOfBook(ctx, bookId, options),
  recordPoolAttribution: (input) => recordPoolAttribution(ctx, input),
  listPoolAttributionsOfRun: (runId, options) => listPoolAttributionsOfRun(ctx, runId, options),
  listPoolAttributionsOfStrategy: (strategyId, options) =>
    listPoolAttributionsOfStrategy(ctx, strategyId, options),
});
