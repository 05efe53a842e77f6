/** The {@link BookLedger} role in memory: books (positions and cash) as the journal left them, and daily NAVs. */
import type { BookLedger } from '../repository/books.ts';
import { navValues, newNav, SameOn, sameOn } from '../repository/records.ts';
import type { Nav, Position } from '../types.ts';
import { createOnce, type MemoryCtx } from './store.ts';
import { composite } from './table.ts';

/** Zero positions are kept (as in DynamoDB) but never listed; the journal writes a zero quantity as `0`. */
const held = (p: Position): boolean => p.qty !== '0';

/** The {@link BookLedger} over a memory store. */
export const memoryBookLedger = (m: MemoryCtx): BookLedger => {
  const { positions, cash, navs } = m.store;
  return {
    getBook: async (bookId) => ({
      bookId,
      cash: cash.get(bookId)?.amount ?? '0',
      positions: positions
        .all('byBook', bookId)
        .filter(held)
        .map((p) => ({ symbol: p.symbol, qty: p.qty, costBasis: p.costBasis })),
    }),
    getPosition: async (bookId, symbol) => {
      const p = positions.get(composite(bookId, symbol));
      return p && held(p) ? { symbol: p.symbol, qty: p.qty, costBasis: p.costBasis } : null;
    },
    listPositions: async (bookId, o) => positions.page('byBook', bookId, { ...o, where: held }),
    listAllPositions: async (o) => positions.page('all', '', { ...o, where: held }),
    listHoldersOfSymbol: async (symbol, o) => positions.page('bySymbol', symbol, { ...o, where: held }),
    listCashBalances: async (o) => {
      const { data, cursor } = cash.page('all', '', o);
      return {
        data: data.map((c) => ({ bookId: c.bookId, cash: c.amount, updatedAt: c.updatedAt })),
        cursor,
      };
    },
    recordNav: async (input) => {
      const item = newNav(input, m.now());
      return createOnce(m, 'recordNav', navs, item, (e) => sameOn(item, e, SameOn.nav));
    },
    restateNav: async (input, previous) => {
      const values = navValues(input);
      if (sameOn({ ...previous, ...values }, previous, SameOn.nav))
        return { status: 'replayed', item: previous };
      m.write('restateNav');
      const current = navs.get(composite(input.bookId, input.day)) ?? null;
      if (current && SameOn.nav.every((k) => current[k] === previous[k])) {
        const item: Nav = navs.put({ ...current, ...values, recordedAt: m.now() });
        return { status: 'updated', item };
      }
      return { status: 'conflict', current };
    },
    listNav: async (bookId, o) => navs.page('byBookDay', bookId, o),
    listNavOfDay: async (day, o) => navs.page('byDay', day, o),
  };
};
