/**
 * Runs and strategy runs: create a run once per (day, stage), move its status conditionally, record each
 * strategy's outcome once, and read a run's whole timeline through the `runTimeline` collection.
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
  RunEquity,
  RunStatus,
  Signal,
  StoredError,
  StrategyRun,
  TradingDay,
  TransitionResult,
} from '../types.ts';
import {
  type Ctx,
  conditional,
  createOnce,
  DEFAULT_LIMIT,
  dayBounds,
  guard,
  pageOf,
  sameOn,
} from './shared.ts';

/** Input of {@link createRun}. */
export interface CreateRunInput {
  tradingDay: TradingDay;
  /** Stage of the day (`rebalance`, `close`...), a slug. */
  stage: string;
  asOf: string;
  dataSnapshot: string;
  flags: Record<string, string | number | boolean>;
  /** The books' value at the start against the last NAV (not compared on a repeat: the first one stays). */
  equity?: RunEquity;
}

/** The id of the run of a day and stage: `<day>.<stage>`. */
export const runIdOf = (tradingDay: TradingDay, stage: string): string => `${tradingDay}.${stage}`;

const TERMINAL: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'BLOCKED', 'ABORTED'];

export const createRun = async (ctx: Ctx, input: CreateRunInput): Promise<RecordResult<Run>> => {
  const at = ctx.now();
  const run: Run = {
    runId: runIdOf(input.tradingDay, input.stage),
    tradingDay: input.tradingDay,
    stage: input.stage,
    status: 'RUNNING',
    asOf: input.asOf,
    dataSnapshot: input.dataSnapshot,
    flags: input.flags,
    ...(input.equity ? { equity: input.equity } : {}),
    statusHistory: [{ status: 'RUNNING', at }],
    startedAt: at,
    updatedAt: at,
  };
  return createOnce(
    'createRun',
    run,
    () => ctx.svc.entities.run.create(run).go({ originalErr: true }),
    () => getRun(ctx, run.runId),
    (e) => sameOn(run, e, ['asOf', 'dataSnapshot', 'flags']),
  );
};

export const getRun = (ctx: Ctx, runId: string): Promise<Run | null> =>
  guard('getRun', async () => {
    const { data } = await ctx.svc.entities.run.get({ runId }).go({ originalErr: true, consistent: true });
    return data ? data : null;
  });

/** Input of {@link updateRunStatus}. */
export interface UpdateRunStatusInput {
  runId: string;
  /** The status the run must be in now; the write is refused otherwise. */
  expected: RunStatus;
  status: RunStatus;
  error?: StoredError;
}

export const updateRunStatus = async (
  ctx: Ctx,
  input: UpdateRunStatusInput,
): Promise<TransitionResult<Run>> => {
  const at = ctx.now();
  const entry = { status: input.status, at };
  const ok = await conditional('updateRunStatus', () =>
    ctx.svc.entities.run
      .patch({ runId: input.runId })
      .set({
        status: input.status,
        updatedAt: at,
        ...(TERMINAL.includes(input.status) ? { finishedAt: at } : {}),
        ...(input.error ? { error: input.error } : {}),
      })
      .append({ statusHistory: [entry] })
      .where(({ status }, { eq }) => eq(status, input.expected))
      .go({ originalErr: true }),
  );
  const current = await getRun(ctx, input.runId);
  if (ok && current) return { status: 'updated', item: current };
  if (current) {
    const h = current.statusHistory;
    const replayed = h.some(
      (e, i) => i > 0 && e.status === input.status && h[i - 1]?.status === input.expected,
    );
    if (replayed) return { status: 'replayed', item: current };
  }
  return { status: 'conflict', current };
};

export const listRuns = (ctx: Ctx, options: DayRangeOptions = {}): Promise<Page<Run>> =>
  guard('listRuns', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.run.query
      .byDay({})
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

/** Input of {@link recordStrategyRun}. */
export type RecordStrategyRunInput = StrategyRun;

export const recordStrategyRun = (
  ctx: Ctx,
  input: RecordStrategyRunInput,
): Promise<RecordResult<StrategyRun>> =>
  createOnce(
    'recordStrategyRun',
    input,
    () => ctx.svc.entities.strategyRun.create(input).go({ originalErr: true }),
    async () => {
      const { data } = await ctx.svc.entities.strategyRun
        .get({ runId: input.runId, strategyId: input.strategyId })
        .go({ originalErr: true, consistent: true });
      return data ? data : null;
    },
    (e) => sameOn(input, e, ['flow', 'outcome', 'error']),
  );

/**
 * Replace a strategy's FAILED outcome in a run by the outcome of a later attempt (a redrive), once: the write
 * is conditional on the recorded outcome still being FAILED, so a concurrent or repeated call cannot replace a
 * newer outcome. `conflict` when the record is missing or no longer FAILED.
 */
export const supersedeFailedStrategyRun = async (
  ctx: Ctx,
  input: RecordStrategyRunInput,
): Promise<TransitionResult<StrategyRun>> => {
  const ok = await conditional('supersedeFailedStrategyRun', () =>
    ctx.svc.entities.strategyRun
      .put(input)
      .where(({ outcome }, { eq }) => eq(outcome, 'FAILED'))
      .go({ originalErr: true }),
  );
  const { data } = await guard('supersedeFailedStrategyRun', () =>
    ctx.svc.entities.strategyRun
      .get({ runId: input.runId, strategyId: input.strategyId })
      .go({ originalErr: true, consistent: true }),
  );
  const current = data ? data : null;
  if (ok && current) return { status: 'updated', item: current };
  if (current && sameOn(input, current, ['flow', 'outcome', 'error']))
    return { status: 'replayed', item: current };
  return { status: 'conflict', current };
};

export const listStrategyRunsOfRun = (
  ctx: Ctx,
  runId: string,
  options: PageOptions = {},
): Promise<Page<StrategyRun>> =>
  guard('listStrategyRunsOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.strategyRun.query.byId({ runId }).go(pageOf(options));
    return { data, cursor };
  });

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

export const getRunTimeline = (
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
