/** The {@link SignalLedger} role: the weights each strategy produced in a run, written once per (run, strategy). */
import type { DayRangeOptions, Page, PageOptions, RecordResult, Signal } from '../types.ts';
import { type Ctx, createOnce, guard, sameOn } from './context.ts';
import { dayBounds, pageOf } from './paging.ts';
import { SameOn } from './records.ts';

/** Input of {@link SignalLedger.recordSignal}: the signal without its timestamp. */
export type RecordSignalInput = Omit<Signal, 'recordedAt'>;

/** The strategies' signals (target weights), by run and by strategy over days. */
export interface SignalLedger {
  /** Record the weights a strategy produced in a run, once. */
  recordSignal(input: RecordSignalInput): Promise<RecordResult<Signal>>;
  /** Get the signal of a strategy in a run, or null. */
  getSignal(runId: string, strategyId: string): Promise<Signal | null>;
  /** List the signals of a run. */
  listSignalsOfRun(runId: string, options?: PageOptions): Promise<Page<Signal>>;
  /** List a strategy's signals by day. */
  listSignalsOfStrategy(strategyId: string, options?: DayRangeOptions): Promise<Page<Signal>>;
}

const recordSignal = (ctx: Ctx, input: RecordSignalInput): Promise<RecordResult<Signal>> => {
  const item: Signal = { ...input, recordedAt: ctx.now() };
  return createOnce(
    'recordSignal',
    item,
    () => ctx.svc.entities.signal.create(item).go({ originalErr: true }),
    () => getSignal(ctx, input.runId, input.strategyId),
    (e) => sameOn(item, e, SameOn.signal),
  );
};

const getSignal = (ctx: Ctx, runId: string, strategyId: string): Promise<Signal | null> =>
  guard('getSignal', async () => {
    const { data } = await ctx.svc.entities.signal
      .get({ runId, strategyId })
      .go({ originalErr: true, consistent: true });
    return data;
  });

const listSignalsOfRun = (ctx: Ctx, runId: string, options: PageOptions = {}): Promise<Page<Signal>> =>
  guard('listSignalsOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.signal.query.byId({ runId }).go(pageOf(options));
    return { data, cursor };
  });

const listSignalsOfStrategy = (
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

/** The {@link SignalLedger} over `ctx`. */
export const signalLedger = (ctx: Ctx): SignalLedger => ({
  recordSignal: (input) => recordSignal(ctx, input),
  getSignal: (runId, strategyId) => getSignal(ctx, runId, strategyId),
  listSignalsOfRun: (runId, options) => listSignalsOfRun(ctx, runId, options),
  listSignalsOfStrategy: (strategyId, options) => listSignalsOfStrategy(ctx, strategyId, options),
});
