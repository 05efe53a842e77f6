/**
 * Pool attributions: in the aggregated flow, the share of the pool attributed to each member strategy in a
 * run (fraction, capital, merged weights, attributed holdings), written once per (run, strategy) with the
 * pool's plan. Part of the {@link PlanLedger} role.
 */
import type { DayRangeOptions, Page, PageOptions, PoolAttribution, RecordResult } from '../types.ts';
import { type Ctx, createOnce, guard, sameOn } from './context.ts';
import { dayBounds, pageOf } from './paging.ts';
import { SameOn } from './records.ts';

/** Input of {@link recordPoolAttribution}: the attribution without its timestamp. */
export type RecordPoolAttributionInput = Omit<PoolAttribution, 'recordedAt'>;

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
      return data;
    },
    (e) => sameOn(item, e, SameOn.poolAttribution),
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
