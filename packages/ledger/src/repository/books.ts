/**
 * The {@link BookLedger} role. Reading books: one book's cash and positions, every position (reconciliation),
 * a symbol's holders, every book's cash; and the daily NAV series (navs.ts). Positions and cash change only
 * through the journal (fills, transfers). Zero positions are kept as items (they carry the journal's version)
 * but never listed.
 */
import { D } from '@ensemble/core';
import type {
  BookId,
  BookState,
  CashBalance,
  DayRangeOptions,
  Holding,
  Nav,
  Page,
  PageOptions,
  Position,
  RecordResult,
  TransitionResult,
} from '../types.ts';
import { type Ctx, guard } from './context.ts';
import { listNav, listNavOfDay, type RecordNavInput, recordNav, restateNav } from './navs.ts';
import { pageOf } from './paging.ts';

/** What each book owns now (positions, cash) and its daily NAV. */
export interface BookLedger {
  /** Read a book now: its cash and its non-zero positions (all pages). */
  getBook(bookId: BookId): Promise<BookState>;
  /**
   * A book's holding of one symbol now (one item read, whatever the book's size), or null when it holds
   * none: what a sell checks before it is placed.
   */
  getPosition(bookId: BookId, symbol: string): Promise<Holding | null>;
  /** List a book's non-zero positions. */
  listPositions(bookId: BookId, options?: PageOptions): Promise<Page<Position>>;
  /** List every book's non-zero positions (reconciliation). */
  listAllPositions(options?: PageOptions): Promise<Page<Position>>;
  /** List the books holding a symbol (non-zero positions). */
  listHoldersOfSymbol(symbol: string, options?: PageOptions): Promise<Page<Position>>;
  /** List every book's cash balance. */
  listCashBalances(options?: PageOptions): Promise<Page<CashBalance>>;
  /** Record a book's NAV for a day, once. */
  recordNav(input: RecordNavInput): Promise<RecordResult<Nav>>;
  /** Replace a day's NAV recorded as `previous` (the day's books changed after it was recorded). */
  restateNav(input: RecordNavInput, previous: Nav): Promise<TransitionResult<Nav>>;
  /** List a book's daily NAV over an inclusive day range. */
  listNav(bookId: BookId, options?: DayRangeOptions): Promise<Page<Nav>>;
  /** List every book's NAV of one day. */
  listNavOfDay(day: string, options?: PageOptions): Promise<Page<Nav>>;
}

/** A position item without the journal's bookkeeping (`version`, `pending`). */
const toPosition = ({ bookId, symbol, qty, costBasis, updatedAt }: Position): Position => ({
  bookId,
  symbol,
  qty,
  costBasis,
  updatedAt,
});

const getBook = (ctx: Ctx, bookId: BookId): Promise<BookState> =>
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

const getPosition = (ctx: Ctx, bookId: BookId, symbol: string): Promise<Holding | null> =>
  guard('getPosition', async () => {
    const { data } = await ctx.svc.entities.position
      .get({ bookId, symbol })
      .go({ originalErr: true, consistent: true });
    if (!data || new D(data.qty).isZero()) return null;
    return { symbol: data.symbol, qty: data.qty, costBasis: data.costBasis };
  });

const listPositions = (ctx: Ctx, bookId: BookId, options: PageOptions = {}): Promise<Page<Position>> =>
  guard('listPositions', async () => {
    const { data, cursor } = await ctx.svc.entities.position.query
      .byBook({ bookId })
      .where(({ qty }, { ne }) => ne(qty, '0'))
      .go(pageOf(options));
    return { data: data.map(toPosition), cursor };
  });

const listAllPositions = (ctx: Ctx, options: PageOptions = {}): Promise<Page<Position>> =>
  guard('listAllPositions', async () => {
    const { data, cursor } = await ctx.svc.entities.position.query
      .all({})
      .where(({ qty }, { ne }) => ne(qty, '0'))
      .go(pageOf(options));
    return { data: data.map(toPosition), cursor };
  });

const listHoldersOfSymbol = (ctx: Ctx, symbol: string, options: PageOptions = {}): Promise<Page<Position>> =>
  guard('listHoldersOfSymbol', async () => {
    const { data, cursor } = await ctx.svc.entities.position.query
      .bySymbol({ symbol })
      .where(({ qty }, { ne }) => ne(qty, '0'))
      .go(pageOf(options));
    return { data: data.map(toPosition), cursor };
  });

const listCashBalances = (ctx: Ctx, options: PageOptions = {}): Promise<Page<CashBalance>> =>
  guard('listCashBalances', async () => {
    const { data, cursor } = await ctx.svc.entities.cash.query.all({}).go(pageOf(options));
    return {
      data: data.map((c): CashBalance => ({ bookId: c.bookId, cash: c.amount, updatedAt: c.updatedAt })),
      cursor,
    };
  });

/** The {@link BookLedger} over `ctx`. */
export const bookLedger = (ctx: Ctx): BookLedger => ({
  getBook: (bookId) => getBook(ctx, bookId),
  getPosition: (bookId, symbol) => getPosition(ctx, bookId, symbol),
  listPositions: (bookId, options) => listPositions(ctx, bookId, options),
  listAllPositions: (options) => listAllPositions(ctx, options),
  listHoldersOfSymbol: (symbol, options) => listHoldersOfSymbol(ctx, symbol, options),
  listCashBalances: (options) => listCashBalances(ctx, options),
  recordNav: (input) => recordNav(ctx, input),
  restateNav: (input, previous) => restateNav(ctx, input, previous),
  listNav: (bookId, options) => listNav(ctx, bookId, options),
  listNavOfDay: (day, options) => listNavOfDay(ctx, day, options),
});
