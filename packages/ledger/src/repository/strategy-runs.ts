/**
 * Strategy runs: each strategy's outcome in a run, recorded once (a redrive may replace a FAILED or BLOCKED one), listed
 * by run and by strategy over days. Part of the {@link RunLedger} role.
 */
import type {
  DayRangeOptions,
  Page,
  PageOptions,
  RecordResult,
  StrategyRun,
  TransitionResult,
} from '../types.ts';
import { type Ctx, conditional, createOnce, guard, sameOn } from './context.ts';
import { dayBounds, pageOf } from './paging.ts';
import { SameOn } from './records.ts';

/** Input of {@link recordStrategyRun}: the whole record. */
export type RecordStrategyRunInput = StrategyRun;

const getStrategyRun = (ctx: Ctx, runId: string, strategyId: string): Promise<StrategyRun | null> =>
  guard('getStrategyRun', async () => {
    const { data } = await ctx.svc.entities.strategyRun
      .get({ runId, strategyId })
      .go({ originalErr: true, consistent: true });
    return data;
  });

export const recordStrategyRun = (
  ctx: Ctx,
  input: RecordStrategyRunInput,
): Promise<RecordResult<StrategyRun>> =>
  createOnce(
    'recordStrategyRun',
    input,
    () => ctx.svc.entities.strategyRun.create(input).go({ originalErr: true }),
    () => getStrategyRun(ctx, input.runId, input.strategyId),
    (e) => sameOn(input, e, SameOn.strategyRun),
  );

/**
 * Replace a strategy's FAILED or BLOCKED outcome in a run by the outcome of a later attempt (a redrive, or the
 * day reopened once its block was lifted), once: the write is conditional on the recorded outcome still being
 * FAILED or BLOCKED, so a concurrent or repeated call cannot replace a final outcome (TRADED, ALL_HOLD,
 * SKIPPED). `conflict` when the record is missing or no longer FAILED or BLOCKED.
 */
export const supersedeFailedStrategyRun = async (
  ctx: Ctx,
  input: RecordStrategyRunInput,
): Promise<TransitionResult<StrategyRun>> => {
  const ok = await conditional('supersedeFailedStrategyRun', () =>
    ctx.svc.entities.strategyRun
      .put(input)
      .where(({ outcome }, { eq }) => `${eq(outcome, 'FAILED')} OR ${eq(outcome, 'BLOCKED')}`)
      .go({ originalErr: true }),
  );
  const current = await getStrategyRun(ctx, input.runId, input.strategyId);
  if (ok && current) return { status: 'updated', item: current };
  if (current && sameOn(input, current, SameOn.strategyRun)) return { status: 'replayed', item: current };
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
