/**
 * Ledger transfers between books: cash or positions moved inside the one broker account, never a broker
 * order. Capital funding, capital drift rebalancing and the flag flip all produce transfers; the ledger
 * persists them and {@link applyTransfers} gives the books they lead to.
 */

import { type DecimalString, dec, str } from '../decimal.ts';
import { BookInvariantError } from './errors.ts';
import { normalizePositions } from './fills.ts';
import type { BookId, BookState } from './types.ts';

/** The account's cash that no book owns (the source of initial funding). */
export const UNALLOCATED = 'unallocated' as const;
/**
 * Outside the account: the issuer of a corporate action. A split's new shares come from it (a reverse split's
 * cancelled shares go to it) and a cash dividend is paid by it. Not capital moving between books, so neither
 * a NAV flow (a dividend is income, a split changes no value) nor part of the unallocated cash.
 */
export const EXTERNAL = 'external' as const;
/** Either side of a cash transfer. */
export type Endpoint = BookId | typeof UNALLOCATED | typeof EXTERNAL;

/**
 * Whether a transfer moves cash between a book and {@link UNALLOCATED}: what the account's cash no book owns
 * is made of (funding, capital moves, liquidations), as opposed to moves between books.
 */
export const movesUnallocatedCash = (t: {
  readonly kind: string;
  readonly from: string;
  readonly to: string;
}): boolean => t.kind === 'cash' && (t.from === UNALLOCATED || t.to === UNALLOCATED);

/** Cash moved from one book to another. `amount` > 0, in cents. */
export interface CashTransfer {
  readonly kind: 'cash';
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly amount: DecimalString;
}

/**
 * Shares moved between books with the cost basis that goes with them, or issued ({@link EXTERNAL} → a book)
 * or cancelled (a book → {@link EXTERNAL}) by a split. `qty` > 0, ≤ 9 decimals.
 */
export interface PositionTransfer {
  readonly kind: 'position';
  readonly from: BookId | typeof EXTERNAL;
  readonly to: BookId | typeof EXTERNAL;
  readonly symbol: string;
  readonly qty: DecimalString;
  readonly costBasis: DecimalString;
}

export type Transfer = CashTransfer | PositionTransfer;

const emptyBook = (bookId: BookId): BookState => ({ bookId, cash: '0', positions: [] });

const moveCash = (book: BookState, delta: DecimalString, sign: 1 | -1): BookState => ({
  ...book,
  cash: str(sign > 0 ? dec(book.cash).plus(delta) : dec(book.cash).minus(delta)),
});

const movePosition = (book: BookState, t: PositionTransfer, sign: 1 | -1): BookState => {
  const cur = book.positions.find((h) => h.symbol === t.symbol);
  const qty = dec(cur?.qty ?? '0').plus(sign > 0 ? t.qty : dec(t.qty).neg());
  const cost = dec(cur?.costBasis ?? '0').plus(sign > 0 ? t.costBasis : dec(t.costBasis).neg());
  if (qty.lt(0)) throw new BookInvariantError(`cannot move ${t.qty} ${t.symbol}: not held`, book.bookId);
  const others = book.positions.filter((h) => h.symbol !== t.symbol);
  return {
    ...book,
    positions: normalizePositions([...others, { symbol: t.symbol, qty: str(qty), costBasis: str(cost) }]),
  };
};

/**
 * Applies transfers to a set of books (missing books start empty; {@link UNALLOCATED} and {@link EXTERNAL}
 * are not tracked).
 * Throws a {@link BookInvariantError} if a position transfer moves more shares than the source holds.
 */
export const applyTransfers = (
  books: Readonly<Record<BookId, BookState>>,
  transfers: readonly Transfer[],
): Record<BookId, BookState> => {
  const out: Record<BookId, BookState> = { ...books };
  const get = (id: BookId): BookState => out[id] ?? emptyBook(id);
  const book = (id: Endpoint): id is BookId => id !== UNALLOCATED && id !== EXTERNAL;
  for (const t of transfers) {
    if (t.kind === 'cash') {
      if (book(t.from)) out[t.from] = moveCash(get(t.from), t.amount, -1);
      if (book(t.to)) out[t.to] = moveCash(get(t.to), t.amount, 1);
    } else {
      if (book(t.from)) out[t.from] = movePosition(get(t.from), t, -1);
      if (book(t.to)) out[t.to] = movePosition(get(t.to), t, 1);
    }
  }
  return out;
};
