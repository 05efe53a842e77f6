/**
 * Fill application: the exact, pure effect of one broker fill on one book. Average-cost accounting:
 * a buy adds `qty × price + fee` to the cost basis; a sell removes the sold fraction of the cost basis
 * (rounded down to cents; a full exit removes all of it) and realizes `proceeds − fee − cost removed`.
 * Cash moves by the exact notional (no rounding: the ledger reconciles against the broker's cash).
 * Not idempotent by itself: applying a fill twice applies it twice; de-duplication is the ledger's job.
 */
import * as z from 'zod';
import { byString, D, type D as Dec, DecimalString, dec, QTY_DP, str, ZERO } from '../decimal.ts';
import { Side } from '../vocabulary.ts';
import { proRataCost } from './cost-basis.ts';
import { BookInvariantError } from './errors.ts';
import type { BookState, Holding } from './types.ts';

/** One execution reported by the broker, already attributed to a book. */
export const Fill = z.object({
  symbol: z.string().min(1),
  side: Side,
  /** Shares filled, > 0, at most 9 decimals. */
  qty: DecimalString,
  /** Price per share, > 0. */
  price: DecimalString,
  /** Fees charged on the fill (USD, ≥ 0). @default '0' */
  fee: DecimalString.default('0'),
});
export type Fill = z.input<typeof Fill>;

/** A book after a fill, with what the fill realized. */
export interface FillResult {
  readonly book: BookState;
  /** Realized P&L of a sell (`proceeds − fee − cost removed`); `'0'` for a buy. */
  readonly realizedPnl: DecimalString;
  /** Cost basis taken off the position by a sell; `'0'` for a buy. */
  readonly costBasisRemoved: DecimalString;
}

/** Positions sorted by symbol, zero quantities dropped: the canonical form of a book's holdings. */
export const normalizePositions = (positions: readonly Holding[]): Holding[] =>
  positions.filter((h) => !dec(h.qty).isZero()).sort((a, b) => byString(a.symbol, b.symbol));

/** Applies one fill to a book and returns the new book; the input is not modified. */
export const applyFill = (book: BookState, fill: Fill): FillResult => {
  const qty = dec(fill.qty);
  const price = dec(fill.price);
  const fee = dec(fill.fee ?? '0');
  if (qty.lte(0) || qty.decimalPlaces() > QTY_DP) {
    throw new BookInvariantError(
      `fill qty ${fill.qty} must be > 0 with at most ${QTY_DP} decimals`,
      book.bookId,
    );
  }
  if (price.lte(0)) throw new BookInvariantError(`fill price ${fill.price} must be > 0`, book.bookId);
  if (fee.lt(0)) throw new BookInvariantError(`fill fee ${fill.fee} must be ≥ 0`, book.bookId);

  const current = book.positions.find((h) => h.symbol === fill.symbol);
  const held = current ? dec(current.qty) : ZERO;
  const cost = current ? dec(current.costBasis) : ZERO;
  const notional = qty.times(price);
  const others = book.positions.filter((h) => h.symbol !== fill.symbol);

  if (fill.side === 'buy') {
    const next: Holding = {
      symbol: fill.symbol,
      qty: str(held.plus(qty)),
      costBasis: str(cost.plus(notional).plus(fee)),
    };
    return {
      book: {
        ...book,
        cash: str(dec(book.cash).minus(notional).minus(fee)),
        positions: normalizePositions([...others, next]),
      },
      realizedPnl: '0',
      costBasisRemoved: '0',
    };
  }

  if (qty.gt(held)) {
    throw new BookInvariantError(
      `sell of ${fill.qty} ${fill.symbol} exceeds the ${str(held)} held`,
      book.bookId,
    );
  }
  const removed: Dec = proRataCost(cost, qty, held);
  const next: Holding = {
    symbol: fill.symbol,
    qty: str(held.minus(qty)),
    costBasis: str(cost.minus(removed)),
  };
  const realized = notional.minus(fee).minus(removed);
  return {
    book: {
      ...book,
      cash: str(dec(book.cash).plus(notional).minus(fee)),
      positions: normalizePositions([...others, next]),
    },
    realizedPnl: str(realized),
    costBasisRemoved: str(removed),
  };
};

/** Applies fills in order (a fold over {@link applyFill}); returns the final book and total realized P&L. */
export const applyFills = (book: BookState, fills: readonly Fill[]): FillResult => {
  let state = book;
  let realized = new D(0);
  let removed = new D(0);
  for (const f of fills) {
    const r = applyFill(state, f);
    state = r.book;
    realized = realized.plus(r.realizedPnl);
    removed = removed.plus(r.costBasisRemoved);
  }
  return { book: state, realizedPnl: str(realized), costBasisRemoved: str(removed) };
};
