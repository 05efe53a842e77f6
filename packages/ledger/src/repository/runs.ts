/**
 * The {@link RunLedger} role: create a run once per (day, stage), move its status conditionally, read a
 * run's whole timeline through the `runTimeline` collection; and each strategy's outcome in it
 * (strategy-runs.ts).
 */
import type {
  DayRangeOptions,
  Fill,
  Order,
  Page,
  PageOptions,
  Plan,
  PoolAttribution,
  RecordResult,
  Run,
  Signal,
  StrategyRun,
  TradingDay,
  TransitionResult,
} from '../types.ts';
import { type Ctx, conditional, createOnce, guard, sameOn } from './context.ts';
import type { CreateRunInput, UpdateRunStatusInput } from './inputs.ts';
import { DEFAULT_LIMIT, dayBounds, pageOf } from './paging.ts';
import { isReplayedRunMove, newRun, runStatusChange, SameOn } from './records.ts';
import {
  listStrategyRunsOfRun,
  listStrategyRunsOfStrategy,
  type RecordStrategyRunInput,
  recordStrategyRun,
  supersedeFailedStrategyRun,
} from './strategy-runs.ts';

export type { CreateRunInput, UpdateRunStatusInput } from './inputs.ts';

/** One page of a run's timeline: its records grouped by kind (each kind in key order; sort by time to read). */
export interface RunTimeline {
  runs: Run[];
  strategyRuns: StrategyRun[];
  signals: Signal[];
  plans: Plan[];
  poolAttributions: PoolAttribution[];
  orders: Order[];
  fills: Fill[];
}

/** Runs (one per trading day and stage) and each strategy's outcome in them. */
export interface RunLedger {
  /** Create the run of a day and stage (status RUNNING), or return the one already there. */
  createRun(input: CreateRunInput): Promise<RecordResult<Run>>;
  /** Get a run by id, or null. */
  getRun(runId: string): Promise<Run | null>;
  /** Move a run to `status` if it is in `expected`; a repeat of the same move reports `replayed`. */
  updateRunStatus(input: UpdateRunStatusInput): Promise<TransitionResult<Run>>;
  /** List runs by trading day (then stage), over an inclusive day range. */
  listRuns(options?: DayRangeOptions): Promise<Page<Run>>;
  /** Read a run's timeline: the run and its strategy runs, signals, plans, attributions, orders and fills. */
  getRunTimeline(runId: string, options?: PageOptions): Promise<{ data: RunTimeline; cursor: string | null }>;
  /** Record one strategy's outcome in a run, exactly once. */
  recordStrategyRun(input: RecordStrategyRunInput): Promise<RecordResult<StrategyRun>>;
  /**
   * Replace a FAILED or BLOCKED outcome by a later attempt's (a redrive, a reopened day), conditionally on it
   * still being FAILED or BLOCKED.
   */
  supersedeFailedStrategyRun(input: RecordStrategyRunInput): Promise<TransitionResult<StrategyRun>>;
  /** List the strategy runs of a run. */
  listStrategyRunsOfRun(runId: string, options?: PageOptions): Promise<Page<StrategyRun>>;
  /** List a strategy's runs by day. */
  listStrategyRunsOfStrategy(strategyId: string, options?: DayRangeOptions): Promise<Page<StrategyRun>>;
}

/** The id of the run of a day and stage: `<day>.<stage>`. */
export const runIdOf = (tradingDay: TradingDay, stage: string): string => `${tradingDay}.${stage}`;

const createRun = async (ctx: Ctx, input: CreateRunInput): Promise<RecordResult<Run>> => {
  const run = newRun(input, runIdOf(input.tradingDay, input.stage), ctx.now());
  return createOnce(
    'createRun',
    run,
    () => ctx.svc.entities.run.create(run).go({ originalErr: true }),
    () => getRun(ctx, run.runId),
    (e) => sameOn(run, e, SameOn.run),
  );
};

const getRun = (ctx: Ctx, runId: string): Promise<Run | null> =>
  guard('getRun', async () => {
    const { data } = await ctx.svc.entities.run.get({ runId }).go({ originalErr: true, consistent: true });
    return data;
  });

const updateRunStatus = async (ctx: Ctx, input: UpdateRunStatusInput): Promise<TransitionResult<Run>> => {
  const { set, entry } = runStatusChange(input, ctx.now());
  const ok = await conditional('updateRunStatus', () =>
    ctx.svc.entities.run
      .patch({ runId: input.runId })
      .set(set)
      .append({ statusHistory: [entry] })
      .where(({ status }, { eq }) => eq(status, input.expected))
      .go({ originalErr: true }),
  );
  const current = await getRun(ctx, input.runId);
  if (ok && current) return { status: 'updated', item: current };
  if (current && isReplayedRunMove(current, input)) return { status: 'replayed', item: current };
  return { status: 'conflict', current };
};

const listRuns = (ctx: Ctx, options: DayRangeOptions = {}): Promise<Page<Run>> =>
  guard('listRuns', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.run.query
      .byDay({})
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

const getRunTimeline = (
  ctx: Ctx,
  runId: string,
  options: PageOptions = {},
): Promise<{ data: RunTimeline; cursor: string | null }> =>
  guard('getRunTimeline', async () => {
    const { data, cursor } = await ctx.svc.collections
      .runTimeline({ runId })
      .go({ cursor: options.cursor ?? null, limit: options.limit ?? DEFAULT_LIMIT, originalErr: true });
    return {
      data: {
        runs: data.run,
        strategyRuns: data.strategyRun,
        signals: data.signal,
        plans: data.plan,
        poolAttributions: data.poolAttribution,
        orders: data.order,
        fills: data.fill,
      },
      cursor,
    };
  });

/** The {@link RunLedger} over `ctx`. */
export const runLedger = (ctx: Ctx): RunLedger => ({
  createRun: (input) => createRun(ctx, input),
  getRun: (runId) => getRun(ctx, runId),
  updateRunStatus: (input) => updateRunStatus(ctx, input),
  listRuns: (options) => listRuns(ctx, options),
  getRunTimeline: (runId, options) => getRunTimeline(ctx, runId, options),
  recordStrategyRun: (input) => recordStrategyRun(ctx, input),
  supersedeFailedStrategyRun: (input) => supersedeFailedStrategyRun(ctx, input),
  listStrategyRunsOfRun: (runId, options) => listStrategyRunsOfRun(ctx, runId, options),
  listStrategyRunsOfStrategy: (strategyId, options) => listStrategyRunsOfStrategy(ctx, strategyId, options),
});
