/**
 * The flag flip: moving a strategy between the pool (`aggregated`) and its own book (`per-book`) is a set
 * of ledger transfers, never a broker order. Carving out moves the strategy's attributed slice of the pool
 * (its share of each position and of the cash) into its book; merging back moves the whole book into the
 * pool and issues the strategy a pool share at NAV. Totals across the two books are preserved exactly.
 * Rounding always favours the pool: carved quantities are rounded down to 9 decimals (whole shares for
 * non-fractionable assets), carved cash and cost basis down to cents; the residue stays in the pool.
 */

import { byString, CASH_DP, type D as Dec, dec, floorTo, ONE, QTY_DP } from '../decimal.ts';
import { assertShares, normalizeShares, type PoolShares } from './attribution.ts';
import { BookInvariantError } from './errors.ts';
import type { Prices } from './prices.ts';
import { applyTransfers, type Transfer } from './transfers.ts';
import { type BookState, bookOf, POOL_BOOK, type StrategyId } from './types.ts';
import { valueBook } from './valuation.ts';

/** Outcome of a flip: the transfers to record and the books and shares they lead to. */
export interface FlipResult {
  /** Ledger transfers, positions first (by symbol), then cash. */
  readonly transfers: readonly Transfer[];
  readonly pool: BookState;
  readonly book: BookState;
  readonly shares: PoolShares;
}

/** Input of {@link carveFromPool}. */
export interface CarveInput {
  readonly pool: BookState;
  readonly shares: PoolShares;
  readonly strategyId: StrategyId;
  /** The strategy's book before the carve. @default an empty book */
  readonly book?: BookState;
  /** Symbols that trade in whole shares only: their carved qty is rounded down to an integer. */
  readonly nonFractionable?: ReadonlySet<string>;
}

/** `aggregated` → `per-book`: moves the strategy's slice of the pool into its own book. */
export const carveFromPool = (input: CarveInput): FlipResult => {
  const { pool, shares, strategyId } = input;
  assertShares(shares);
  const bookId = bookOf(strategyId);
  const shareStr = shares[strategyId];
  if (shareStr === undefined) throw new BookInvariantError(`${strategyId} is not a pool member`, pool.bookId);
  const f = dec(shareStr);
  const transfers: Transfer[] = [];
  for (const h of [...pool.positions].sort((a, b) => byString(a.symbol, b.symbol))) {
    const qty = dec(h.qty);
    if (qty.lte(0)) continue;
    const dp = input.nonFractionable?.has(h.symbol) ? 0 : QTY_DP;
    const moved = floorTo(qty.times(f), dp);
    if (moved.isZero()) continue;
    const cost = dec(h.costBasis);
    const movedCost = moved.eq(qty) ? cost : floorTo(cost.times(moved).div(qty), CASH_DP);
    transfers.push({
      kind: 'position',
      from: POOL_BOOK,
      to: bookId,
      symbol: h.symbol,
      qty: moved.toFixed(),
      costBasis: movedCost.isZero() ? '0' : movedCost.toFixed(),
    });
  }
  const cash = floorTo(dec(pool.cash).times(f), CASH_DP);
  if (cash.gt(0)) transfers.push({ kind: 'cash', from: POOL_BOOK, to: bookId, amount: cash.toFixed() });
  if (cash.lt(0)) transfers.push({ kind: 'cash', from: bookId, to: POOL_BOOK, amount: cash.neg().toFixed() });

  const rest = Object.keys(shares).filter((id) => id !== strategyId);
  const remaining: Record<StrategyId, Dec> = Object.fromEntries(rest.map((id) => [id, dec(shares[id]!)]));
  const restTotal = Object.values(remaining).reduce((a, b) => a.plus(b), dec('0'));
  const nextShares: PoolShares =
    rest.length === 0
      ? {}
      : restTotal.isZero()
        ? normalizeShares(Object.fromEntries(rest.map((id) => [id, ONE])))
        : normalizeShares(remaining);
  const books = applyTransfers({ [POOL_BOOK]: pool, [bookId]: input.book ?? emptyBook(bookId) }, transfers);
  return { transfers, pool: books[POOL_BOOK]!, book: books[bookId]!, shares: nextShares };
};

/** Input of {@link mergeIntoPool}. */
export interface MergeInput {
  readonly pool: BookState;
  readonly shares: PoolShares;
  readonly strategyId: StrategyId;
  /** The strategy's own book, merged entirely. */
  readonly book: BookState;
  /** Prices of every symbol held by the pool or the book (to issue the pool share at NAV). */
  readonly prices: Prices;
}

/**
 * `per-book` → `aggregated`: moves the whole book into the pool. The strategy's new share is
 * `bookNav / (poolNav + bookNav)`; existing members keep their relative shares, scaled by
 * `poolNav / (poolNav + bookNav)`. Into a pool without members, the strategy's share is 1.
 */
export const mergeIntoPool = (input: MergeInput): FlipResult => {
  const { pool, shares, strategyId, book } = input;
  assertShares(shares);
  if (book.bookId !== bookOf(strategyId)) {
    throw new BookInvariantError(`book ${book.bookId} is not ${strategyId}'s`, book.bookId);
  }
  if (shares[strategyId] !== undefined)
    throw new BookInvariantError(`${strategyId} is already in the pool`, 'pool');
  const poolNav = dec(valueBook(pool, input.prices).nav);
  const bookNav = dec(valueBook(book, input.prices).nav);
  const members = Object.keys(shares);
  let nextShares: PoolShares;
  if (members.length === 0) {
    nextShares = { [strategyId]: '1' };
  } else {
    const total = poolNav.plus(bookNav);
    if (poolNav.lte(0) || bookNav.lt(0)) {
      throw new BookInvariantError(
        `cannot issue a pool share: pool NAV ${poolNav.toFixed()}, book NAV ${bookNav.toFixed()}`,
        'pool',
      );
    }
    const weights: Record<StrategyId, Dec> = { [strategyId]: bookNav.div(total) };
    for (const id of members) weights[id] = dec(shares[id]!).times(poolNav).div(total);
    nextShares = normalizeShares(weights);
  }
  const transfers: Transfer[] = [...book.positions]
    .filter((h) => dec(h.qty).gt(0))
    .sort((a, b) => byString(a.symbol, b.symbol))
    .map((h) => ({
      kind: 'position',
      from: book.bookId,
      to: POOL_BOOK,
      symbol: h.symbol,
      qty: h.qty,
      costBasis: h.costBasis,
    }));
  const cash = dec(book.cash);
  if (cash.gt(0)) transfers.push({ kind: 'cash', from: book.bookId, to: POOL_BOOK, amount: cash.toFixed() });
  if (cash.lt(0))
    transfers.push({ kind: 'cash', from: POOL_BOOK, to: book.bookId, amount: cash.neg().toFixed() });
  const books = applyTransfers({ [POOL_BOOK]: pool, [book.bookId]: book }, transfers);
  return { transfers, pool: books[POOL_BOOK]!, book: books[book.bookId]!, shares: nextShares };
};

const emptyBook = (bookId: BookState['bookId']): BookState => ({ bookId, cash: '0', positions: [] });
