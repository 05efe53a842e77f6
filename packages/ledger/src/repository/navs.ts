/**
 * The daily NAV series of every book: written once per (book, day), restated only when the day's books
 * changed after it was written (a branch re-run). Part of the {@link BookLedger} role.
 */
import type {
  BookId,
  DayRangeOptions,
  Nav,
  Page,
  PageOptions,
  RecordResult,
  TransitionResult,
} from '../types.ts';
import { type Ctx, conditional, createOnce, guard, sameOn } from './context.ts';
import type { RecordNavInput } from './inputs.ts';
import { pageOf } from './paging.ts';
import { navValues, newNav, SameOn } from './records.ts';

export type { RecordNavInput } from './inputs.ts';

export const recordNav = (ctx: Ctx, input: RecordNavInput): Promise<RecordResult<Nav>> => {
  const item = newNav(input, ctx.now());
  return createOnce(
    'recordNav',
    item,
    () => ctx.svc.entities.nav.create(item).go({ originalErr: true }),
    async () => {
      const { data } = await ctx.svc.entities.nav
        .get({ bookId: input.bookId, day: input.day })
        .go({ originalErr: true, consistent: true });
      return data;
    },
    (e) => sameOn(item, e, SameOn.nav),
  );
};

/**
 * Replace a day's NAV that was recorded before the day's books were complete (a branch re-run after the
 * first Finalize traded): written only while the stored values are still `previous`'s, so two restatements
 * never interleave. `updated` with the new record, or `conflict` with what is there now.
 * Equal values are a `replayed` no-op.
 */
export const restateNav = async (
  ctx: Ctx,
  input: RecordNavInput,
  previous: Nav,
): Promise<TransitionResult<Nav>> => {
  const values = navValues(input);
  const get = async () => {
    const { data } = await ctx.svc.entities.nav
      .get({ bookId: input.bookId, day: input.day })
      .go({ originalErr: true, consistent: true });
    return data;
  };
  if (sameOn({ ...previous, ...values }, previous, SameOn.nav)) return { status: 'replayed', item: previous };
  const ok = await conditional('restateNav', () =>
    ctx.svc.entities.nav
      .patch({ bookId: input.bookId, day: input.day })
      .set({ ...values, recordedAt: ctx.now() })
      .where(
        (a, { eq }) =>
          `${eq(a.cash, previous.cash)} AND ${eq(a.positionsValue, previous.positionsValue)} AND ${eq(a.nav, previous.nav)} AND ${eq(a.flowsIn, previous.flowsIn)} AND ${eq(a.flowsOut, previous.flowsOut)}`,
      )
      .go({ originalErr: true }),
  );
  const current = await guard('restateNav', get);
  return ok && current ? { status: 'updated', item: current } : { status: 'conflict', current };
};

export const listNav = (ctx: Ctx, bookId: BookId, options: DayRangeOptions = {}): Promise<Page<Nav>> =>
  guard('listNav', async () => {
    // `day` is the whole sort key here, so BETWEEN on the days themselves is exact and inclusive.
    const { data, cursor } = await ctx.svc.entities.nav.query
      .byBookDay({ bookId })
      .between({ day: options.from ?? '0000-01-01' }, { day: options.to ?? '9999-12-31' })
      .go(pageOf(options));
    return { data, cursor };
  });

export const listNavOfDay = (ctx: Ctx, day: string, options: PageOptions = {}): Promise<Page<Nav>> =>
  guard('listNavOfDay', async () => {
    const { data, cursor } = await ctx.svc.entities.nav.query.byDay({ day }).go(pageOf(options));
    return { data, cursor };
  });
