/**
 * Fills: each execution recorded once under its fill id, and applied once to its book's position and cash
 * through the journal (journal.ts). Part of the {@link OrderLedger} role.
 */
import { LedgerNotFoundError } from '../errors.ts';
import type {
  ApplyResult,
  BookId,
  DayRangeOptions,
  Fill,
  Page,
  PageOptions,
  RecordResult,
} from '../types.ts';
import { type Ctx, createOnce, guard, sameOn } from './context.ts';
import { fillEffects } from './effects.ts';
import type { RecordFillInput } from './inputs.ts';
import { applyEntry } from './journal.ts';
import { dayBounds, pageOf } from './paging.ts';
import { newFill, SameOn } from './records.ts';

export type { RecordFillInput } from './inputs.ts';

export const recordFill = (ctx: Ctx, input: RecordFillInput): Promise<RecordResult<Fill>> => {
  const fill = newFill(input);
  return createOnce(
    'recordFill',
    fill,
    () => ctx.svc.entities.fill.create(fill).go({ originalErr: true }),
    () => getFill(ctx, input.fillId),
    (e) => sameOn(fill, e, SameOn.fill),
  );
};

export const getFill = (ctx: Ctx, fillId: string): Promise<Fill | null> =>
  guard('getFill', async () => {
    const { data } = await ctx.svc.entities.fill.get({ fillId }).go({ originalErr: true, consistent: true });
    return data;
  });

/** Apply a recorded fill to its book's position and cash, exactly once (the journal's protocol). */
export const applyFill = async (ctx: Ctx, fillId: string): Promise<ApplyResult> => {
  const fill = await getFill(ctx, fillId);
  if (!fill) throw new LedgerNotFoundError('fill', fillId);
  const effects = fillEffects(fill);
  const status = await applyEntry(ctx, `fill:${fillId}`, effects, fill.appliedAt !== undefined, () =>
    ctx.svc.entities.fill
      .patch({ fillId })
      .set({ appliedAt: ctx.now() })
      .where(({ appliedAt }, { notExists }) => notExists(appliedAt))
      .go({ originalErr: true }),
  );
  return { status };
};

export const listFillsOfRun = (ctx: Ctx, runId: string, options: PageOptions = {}): Promise<Page<Fill>> =>
  guard('listFillsOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.fill.query.byRun({ runId }).go(pageOf(options));
    return { data, cursor };
  });

export const listFillsOfOrder = (
  ctx: Ctx,
  order: { runId: string; clientOrderId: string },
  options: PageOptions = {},
): Promise<Page<Fill>> =>
  guard('listFillsOfOrder', async () => {
    const { data, cursor } = await ctx.svc.entities.fill.query
      .byRun({ runId: order.runId, clientOrderId: order.clientOrderId })
      // begins_with on a partial sort key also matches ids that extend this one: keep exact matches only.
      .where(({ clientOrderId }, { eq }) => eq(clientOrderId, order.clientOrderId))
      .go(pageOf(options));
    return { data, cursor };
  });

export const listFillsOfBook = (
  ctx: Ctx,
  bookId: BookId,
  options: DayRangeOptions = {},
): Promise<Page<Fill>> =>
  guard('listFillsOfBook', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.fill.query
      .byBookDay({ bookId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });
