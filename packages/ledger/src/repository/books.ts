/**
 * Reading books: one book's cash and positions, every position (reconciliation), a symbol's holders, every
 * book's cash; and the daily NAV series, written once per (book, day) and restated only when the day's books
 * changed after it was written (a branch re-run). Zero positions are kept as items
 * (they carry the journal's version) but never listed.
 */
import { D, str } from '@ensemble/core';
import type {
  BookId,
  BookState,
  CashBalance,
  DayRangeOptions,
  Nav,
  Page,
  PageOptions,
  Position,
  RecordResult,
  TransitionResult,
} from '../types.ts';
import { type Ctx, conditional, createOnce, guard, pageOf, sameOn } from './shared.ts';

/** A position item without the journal's bookkeeping (`version`, `pending`). */
const toPosition = ({ bookId, symbol, qty, costBasis, updatedAt }: Position): Position => ({
  bookId,
  symbol,
  qty,
  costBasis,
  updatedAt,
});

export const getBook = (ctx: Ctx, bookId: BookId): Promise<BookState> =>
  guard('getBook', async () => {
    // One query over the `book` collection (cash + positions share the partition), every page.
    const { data } = await ctx.svc.collections
      .book({ bookId })
      .go({ pages: 'all', originalErr: true, consistent: true });
    return {
      bookId,
      cash: data.cash[0]?.amount ?? '0',
      positions: data.position
        .filter((p) => !new D(p.qty).isZero())
        .map((p) => ({ symbol: p.symbol, qty: p.qty, costBasis: p.costBasis })),
    };
  });

export const listPositions = (ctx: Ctx, bookId: BookId, options: PageOptions = {}): Promise<Page<Position>> =>
  guard('listPositions', async () => {
    const { data, cursor } = await ctx.svc.entities.position.query
      .byBook({ bookId })
      .where(({ qty }, { ne }) => ne(qty, '0'))
      .go(pageOf(options));
    return { data: data.map(toPosition), cursor };
  });

export const listAllPositions = (ctx: Ctx, options: PageOptions = {}): Promise<Page<Position>> =>
  guard('listAllPositions', async () => {
    const { data, cursor } = await ctx.svc.entities.position.query
      .all({})
      .where(({ qty }, { ne }) => ne(qty, '0'))
      .go(pageOf(options));
    return { data: data.map(toPosition), cursor };
  });

export const listHoldersOfSymbol = (
  ctx: Ctx,
  symbol: string,
  options: PageOptions = {},
): Promise<Page<Position>> =>
  guard('listHoldersOfSymbol', async () => {
    const { data, cursor } = await ctx.svc.entities.position.query
      .bySymbol({ symbol })
      .where(({ qty }, { ne }) => ne(qty, '0'))
      .go(pageOf(options));
    return { data: data.map(toPosition), cursor };
  });

export const listCashBalances = (ctx: Ctx, options: PageOptions = {}): Promise<Page<CashBalance>> =>
  guard('listCashBalances', async () => {
    const { data, cursor } = await ctx.svc.entities.cash.query.all({}).go(pageOf(options));
    return {
      data: data.map((c): CashBalance => ({ bookId: c.bookId, cash: c.amount, updatedAt: c.updatedAt })),
      cursor,
    };
  });

/** Input of {@link recordNav}. */
export interface RecordNavInput {
  bookId: BookId;
  day: string;
  cash: string;
  positionsValue: string;
  nav: string;
  /** @default "0" */
  flowsIn?: string;
  /** @default "0" */
  flowsOut?: string;
}

export const recordNav = (ctx: Ctx, input: RecordNavInput): Promise<RecordResult<Nav>> => {
  const n = (s: string | undefined) => str(new D(s ?? '0'));
  const item: Nav = {
    bookId: input.bookId,
    day: input.day,
    cash: n(input.cash),
    positionsValue: n(input.positionsValue),
    nav: n(input.nav),
    flowsIn: n(input.flowsIn),
    flowsOut: n(input.flowsOut),
    recordedAt: ctx.now(),
  };
  return createOnce(
    'recordNav',
    item,
    () => ctx.svc.entities.nav.create(item).go({ originalErr: true }),
    async () => {
      const { data } = await ctx.svc.entities.nav
        .get({ bookId: input.bookId, day: input.day })
        .go({ originalErr: true, consistent: true });
      return data ? data : null;
    },
    (e) => sameOn(item, e, ['cash', 'positionsValue', 'nav', 'flowsIn', 'flowsOut']),
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
  const n = (s: string | undefined) => str(new D(s ?? '0'));
  const values = {
    cash: n(input.cash),
    positionsValue: n(input.positionsValue),
    nav: n(input.nav),
    flowsIn: n(input.flowsIn),
    flowsOut: n(input.flowsOut),
  };
  const get = async () => {
    const { data } = await ctx.svc.entities.nav
      .get({ bookId: input.bookId, day: input.day })
      .go({ originalErr: true, consistent: true });
    return data ? data : null;
  };
  if (sameOn({ ...previous, ...values }, previous, ['cash', 'positionsValue', 'nav', 'flowsIn', 'flowsOut']))
    return { status: 'replayed', item: previous };
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
