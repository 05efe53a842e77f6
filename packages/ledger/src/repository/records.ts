/**
 * Per-run records written once: signals (per strategy), plans (per book), pool attributions (per aggregated
 * strategy); plus each one's listings by run and by strategy or book over days.
 */
import type {
  BookId,
  DayRangeOptions,
  Page,
  PageOptions,
  Plan,
  PlannedOrder,
  PoolAttribution,
  RecordResult,
  Signal,
  StrategyRun,
  TradingDay,
} from '../types.ts';
import { type Ctx, createOnce, dayBounds, guard, pageOf, sameOn } from './shared.ts';

/** Input of {@link recordSignal}. */
export interface RecordSignalInput {
  runId: string;
  tradingDay: TradingDay;
  strategyId: string;
  weights: Record<string, string>;
  traceRef: string;
}

export const recordSignal = (ctx: Ctx, input: RecordSignalInput): Promise<RecordResult<Signal>> => {
  const item: Signal = { ...input, recordedAt: ctx.now() };
  return createOnce(
    'recordSignal',
    item,
    () => ctx.svc.entities.signal.create(item).go({ originalErr: true }),
    () => getSignal(ctx, input.runId, input.strategyId),
    (e) => sameOn(item, e, ['weights', 'traceRef']),
  );
};

export const getSignal = (ctx: Ctx, runId: string, strategyId: string): Promise<Signal | null> =>
  guard('getSignal', async () => {
    const { data } = await ctx.svc.entities.signal
      .get({ runId, strategyId })
      .go({ originalErr: true, consistent: true });
    return data ? data : null;
  });

export const listSignalsOfRun = (ctx: Ctx, runId: string, options: PageOptions = {}): Promise<Page<Signal>> =>
  guard('listSignalsOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.signal.query.byId({ runId }).go(pageOf(options));
    return { data, cursor };
  });

export const listSignalsOfStrategy = (
  ctx: Ctx,
  strategyId: string,
  options: DayRangeOptions = {},
): Promise<Page<Signal>> =>
  guard('listSignalsOfStrategy', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.signal.query
      .byStrategyDay({ strategyId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

export const listStrategyRunsOfStrategy = (
  ctx: Ctx,
  strategyId: string,
  options: DayRangeOptions = {},
): Promise<Page<StrategyRun>> =>
  guard('listStrategyRunsOfStrategy', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.strategyRun.query
      .byStrategyDay({ strategyId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

/** Input of {@link recordPlan}. */
export interface RecordPlanInput {
  runId: string;
  tradingDay: TradingDay;
  bookId: BookId;
  orders: PlannedOrder[];
}

export const recordPlan = (ctx: Ctx, input: RecordPlanInput): Promise<RecordResult<Plan>> => {
  const item: Plan = { ...input, recordedAt: ctx.now() };
  return createOnce(
    'recordPlan',
    item,
    () => ctx.svc.entities.plan.create(item).go({ originalErr: true }),
    () => getPlan(ctx, input.runId, input.bookId),
    (e) => sameOn(item, e, ['orders']),
  );
};

export const getPlan = (ctx: Ctx, runId: string, bookId: BookId): Promise<Plan | null> =>
  guard('getPlan', async () => {
    const { data } = await ctx.svc.entities.plan
      .get({ runId, bookId })
      .go({ originalErr: true, consistent: true });
    return data ? data : null;
  });

export const listPlansOfRun = (ctx: Ctx, runId: string, options: PageOptions = {}): Promise<Page<Plan>> =>
  guard('listPlansOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.plan.query.byId({ runId }).go(pageOf(options));
    return { data, cursor };
  });

export const listPlansOfBook = (
  ctx: Ctx,
  bookId: BookId,
  options: DayRangeOptions = {},
): Promise<Page<Plan>> =>
  guard('listPlansOfBook', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.plan.query
      .byBookDay({ bookId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

/** Input of {@link recordPoolAttribution}. */
export interface RecordPoolAttributionInput {
  runId: string;
  tradingDay: TradingDay;
  strategyId: string;
  fraction: string;
  capital: string;
  weights: Record<string, string>;
  holdings: Record<string, string>;
}

export const recordPoolAttribution = (
  ctx: Ctx,
  input: RecordPoolAttributionInput,
): Promise<RecordResult<PoolAttribution>> => {
  const item: PoolAttribution = { ...input, recordedAt: ctx.now() };
  return createOnce(
    'recordPoolAttribution',
    item,
    () => ctx.svc.entities.poolAttribution.create(item).go({ originalErr: true }),
    async () => {
      const { data } = await ctx.svc.entities.poolAttribution
        .get({ runId: input.runId, strategyId: input.strategyId })
        .go({ originalErr: true, consistent: true });
      return data ? data : null;
    },
    (e) => sameOn(item, e, ['fraction', 'capital', 'weights', 'holdings']),
  );
};

export const listPoolAttributionsOfRun = (
  ctx: Ctx,
  runId: string,
  options: PageOptions = {},
): Promise<Page<PoolAttribution>> =>
  guard('listPoolAttributionsOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.poolAttribution.query.byId({ runId }).go(pageOf(options));
    return { data, cursor };
  });

export const listPoolAttributionsOfStrategy = (
  ctx: Ctx,
  strategyId: string,
  options: DayRangeOptions = {},
): Promise<Page<PoolAttribution>> =>
  guard('listPoolAttributionsOfStrategy', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.poolAttribution.query
      .byStrategyDay({ strategyId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });
