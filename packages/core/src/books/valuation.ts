/**
 * NAV and P&L of a book at given prices. A held symbol without a valid price is an error (fail closed):
 * a NAV that silently values a position at zero would mis-size every trade after it.
 */

import { type D, type DecimalString, dec, roundTo, str, sum, ZERO } from '../decimal.ts';
import { BookInvariantError } from './errors.ts';
import { type Prices, requirePrice } from './prices.ts';
import type { BookId, BookState } from './types.ts';

/** Weights in valuations are reported to this many decimals. */
const WEIGHT_DP = 12;

/** One holding marked to market. */
export interface PositionValue {
  readonly symbol: string;
  readonly qty: DecimalString;
  readonly price: DecimalString;
  readonly marketValue: DecimalString;
  readonly costBasis: DecimalString;
  readonly unrealizedPnl: DecimalString;
  /** `marketValue / nav`, 12 decimals; `'0'` when the NAV is not positive. */
  readonly weight: DecimalString;
}

/** A book marked to market. */
export interface BookValuation {
  readonly bookId: BookId;
  readonly cash: DecimalString;
  /** Sum of the positions' market values. */
  readonly marketValue: DecimalString;
  /** Net asset value: cash + market value. */
  readonly nav: DecimalString;
  readonly costBasis: DecimalString;
  /** Market value − cost basis. */
  readonly unrealizedPnl: DecimalString;
  /** Positions sorted by symbol. */
  readonly positions: readonly PositionValue[];
}

/** The book's non-zero holdings sorted by symbol, each with its price and market value (fail closed). */
const markedRows = (book: BookState, prices: Prices) =>
  book.positions
    .map((h) => ({ h, qty: dec(h.qty) }))
    .filter((r) => !r.qty.isZero())
    .sort((a, b) => (a.h.symbol < b.h.symbol ? -1 : a.h.symbol > b.h.symbol ? 1 : 0))
    .map(({ h, qty }) => {
      if (qty.lt(0)) throw new BookInvariantError(`negative quantity ${h.qty} of ${h.symbol}`, book.bookId);
      const price = requirePrice(prices, h.symbol);
      return { h, price, mv: qty.times(price) };
    });

/** A book's cash, market value and NAV at `prices`, as {@link valueBook} has them. */
export interface BookTotals {
  readonly cash: D;
  readonly marketValue: D;
  readonly nav: D;
}

/**
 * The totals of {@link valueBook} (the same figures, the same failures) without its per-position rows:
 * for callers that need only the NAV or the market value (no cost basis, no weights, so no division).
 */
export const bookTotals = (book: BookState, prices: Prices): BookTotals => {
  const cash = dec(book.cash);
  const marketValue = sum(markedRows(book, prices).map((r) => r.mv));
  return { cash, marketValue, nav: cash.plus(marketValue) };
};

/** Values a book at `prices`; every held symbol needs a positive price. */
export const valueBook = (book: BookState, prices: Prices): BookValuation => {
  const rows = markedRows(book, prices).map((r) => ({ ...r, cost: dec(r.h.costBasis) }));
  const cash = dec(book.cash);
  const marketValue = sum(rows.map((r) => r.mv));
  const nav = cash.plus(marketValue);
  const costBasis = sum(rows.map((r) => r.cost));
  return {
    bookId: book.bookId,
    cash: str(cash),
    marketValue: str(marketValue),
    nav: str(nav),
    costBasis: str(costBasis),
    unrealizedPnl: str(marketValue.minus(costBasis)),
    positions: rows.map((r) => ({
      symbol: r.h.symbol,
      qty: r.h.qty,
      price: str(r.price),
      marketValue: str(r.mv),
      costBasis: str(r.cost),
      unrealizedPnl: str(r.mv.minus(r.cost)),
      weight: nav.gt(0) ? str(roundTo(r.mv.div(nav), WEIGHT_DP)) : str(ZERO),
    })),
  };
};
