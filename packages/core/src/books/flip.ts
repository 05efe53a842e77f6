/**
 * The flag flip: moving a strategy between the pool (`aggregated`) and its own book (`per-book`) is a set
 * of ledger transfers, never a broker order. Carving out moves the strategy's attributed slice of the pool
 * (its share of each position and of the cash) into its book; merging back moves the whole book into the
 * pool and issues the strategy a pool share at NAV. Totals across the two books are preserved exactly.
 * Rounding always favours the pool: carved quantities are rounded down to 9 decimals (whole shares for
 * non-fractionable assets), carved cash and cost basis down to cents; the residue stays in the pool.
 */

import { byString, CASH_DP, D as Dec, type DecimalString, dec, floorTo, ONE, QTY_DP } from '../decimal.ts';
import { assertShares, normalizeShares, type PoolShares } from './attribution.ts';
import { proRataCost } from './cost-basis.ts';
import { BookInvariantError } from './errors.ts';
import { type Prices, requirePrice } from './prices.ts';
import { applyTransfers, type Transfer } from './transfers.ts';
import { type BookState, bookOf, type Holding, POOL_BOOK, type StrategyId } from './types.ts';
import { bookTotals } from './valuation.ts';

/** Outcome of a flip: the transfers to record and the books and shares they lead to. */
export interface FlipResult {
  /** Ledger transfers, positions first (by symbol), then cash. */
  readonly transfers: readonly Transfer[];
  readonly pool: BookState;
  readonly book: BookState;
  readonly shares: PoolShares;
}

/** A member's target weights: symbol → weight (the planner's `Weights`). */
type Weights = Readonly<Record<string, DecimalString>>;

/** Input of {@link carveFromPool}. */
export interface CarveInput {
  readonly pool: BookState;
  readonly shares: PoolShares;
  readonly strategyId: StrategyId;
  /** The strategy's book before the carve. @default an empty book */
  readonly book?: BookState;
  /** Symbols that trade in whole shares only: their carved qty is rounded down to an integer. */
  readonly nonFractionable?: ReadonlySet<string>;
  /**
   * The members' latest target weights (their last pool attributions) and the prices of every pool holding:
   * with both, and weights for the strategy, the carve hands it what it targets (see {@link carveFromPool});
   * without, a pro-rata slice of everything.
   */
  readonly targets?: Readonly<Record<StrategyId, Weights>>;
  readonly prices?: Prices;
}

/**
 * `aggregated` → `per-book`: moves the strategy's slice of the pool (its share × the pool's NAV) into its own
 * book, so that neither side has to trade what the other holds:
 * - **by its weights** (given the members' targets and prices): each holding of the pool is attributed to the
 *   members by their contributions to its target, `share_i × w_i(symbol)` — the strategy receives its part of
 *   each symbol it targets (up to its target), the rest of its slice in cash, and only where the pool's cash
 *   is short more of its parts, then a pro-rata slice of the rest. The pool keeps what the other members
 *   target. A pool on its merged targets splits into two books each on its own targets: no trade.
 * - **pro rata** (no targets): `share ×` every position and the cash, each rounded down.
 * Quantities are rounded down (9 decimals, whole shares for non-fractionable symbols), cost basis pro rata and
 * cash down to cents: the residue stays in the pool. The remaining members' shares are renormalized.
 */
export const carveFromPool = (input: CarveInput): FlipResult => {
  const { pool, shares, strategyId } = input;
  assertShares(shares);
  const bookId = bookOf(strategyId);
  const shareStr = shares[strategyId];
  if (shareStr === undefined) throw new BookInvariantError(`${strategyId} is not a pool member`, pool.bookId);
  const f = dec(shareStr);
  const mine = input.targets?.[strategyId];
  const transfers: Transfer[] =
    mine !== undefined && input.prices !== undefined
      ? carveByWeights(input, f, input.targets ?? {}, input.prices)
      : carveProRata(input, f);
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

/** A position transfer of `moved` shares of `h` from the pool to `to`, with its pro-rata cost basis. */
const slice = (h: Holding, moved: Dec, to: BookState['bookId']): Transfer => {
  const qty = dec(h.qty);
  const cost = dec(h.costBasis);
  const movedCost = proRataCost(cost, moved, qty);
  return {
    kind: 'position',
    from: POOL_BOOK,
    to,
    symbol: h.symbol,
    qty: moved.toFixed(),
    costBasis: movedCost.isZero() ? '0' : movedCost.toFixed(),
  };
};

const holdings = (pool: BookState): Holding[] =>
  [...pool.positions].filter((h) => dec(h.qty).gt(0)).sort((a, b) => byString(a.symbol, b.symbol));

/** The pro-rata carve: `f ×` every position and the cash. */
const carveProRata = (input: CarveInput, f: Dec): Transfer[] => {
  const { pool } = input;
  const bookId = bookOf(input.strategyId);
  const transfers: Transfer[] = [];
  for (const h of holdings(pool)) {
    const dp = input.nonFractionable?.has(h.symbol) ? 0 : QTY_DP;
    const moved = floorTo(dec(h.qty).times(f), dp);
    if (moved.isZero()) continue;
    transfers.push(slice(h, moved, bookId));
  }
  const cash = floorTo(dec(pool.cash).times(f), CASH_DP);
  if (cash.gt(0)) transfers.push({ kind: 'cash', from: POOL_BOOK, to: bookId, amount: cash.toFixed() });
  if (cash.lt(0)) transfers.push({ kind: 'cash', from: bookId, to: POOL_BOOK, amount: cash.neg().toFixed() });
  return transfers;
};

/**
 * The carve by weights (see {@link carveFromPool}); positions first (by symbol), then cash. In order, until
 * the slice (share × NAV) is handed over:
 *  1. of each symbol the strategy targets, its attributed part, up to its target (weight × slice);
 *  2. cash, up to what the pool has;
 *  3. the rest of its attributed parts (overweight: it sells some, but buys nothing with cash it lacks);
 *  4. a pro-rata slice of what the pool keeps.
 */
const carveByWeights = (
  input: CarveInput,
  f: Dec,
  targets: Readonly<Record<StrategyId, Weights>>,
  prices: Prices,
): Transfer[] => {
  const { pool, shares, strategyId } = input;
  const bookId = bookOf(strategyId);
  const weights = targets[strategyId] ?? {};
  const dpOf = (symbol: string) => (input.nonFractionable?.has(symbol) ? 0 : QTY_DP);
  const held = holdings(pool);
  const price = (symbol: string) => requirePrice(prices, symbol);
  const slot = f.times(bookTotals(pool, prices).nav);
  // The strategy's part of each holding: its contribution to the holding's merged target.
  const part = (symbol: string): Dec => {
    const contribution = (id: string) => dec(shares[id] ?? '0').times(targets[id]?.[symbol] ?? '0');
    const total = Object.keys(shares).reduce((a, id) => a.plus(contribution(id)), dec('0'));
    return total.gt(0) ? contribution(strategyId).div(total) : dec('0');
  };
  const attributed = new Map(held.map((h) => [h.symbol, dec(h.qty).times(part(h.symbol))]));
  const moved = new Map<string, Dec>(held.map((h) => [h.symbol, dec('0')]));
  const value = () => held.reduce((a, h) => a.plus(moved.get(h.symbol)!.times(price(h.symbol))), dec('0'));
  const poolCash = Dec.max(dec(pool.cash), 0);
  const cashFor = () => floorTo(Dec.max(Dec.min(slot.minus(value()), poolCash), 0), CASH_DP);
  const short = () => slot.minus(value()).minus(cashFor());
  /** Adds `g ×` each symbol's `room` (rounded down) to what moves. */
  const add = (room: (h: Holding) => Dec, g: Dec) => {
    for (const h of held)
      moved.set(h.symbol, moved.get(h.symbol)!.plus(floorTo(room(h).times(g), dpOf(h.symbol))));
  };
  // 1. Each targeted symbol up to its target.
  add(
    (h) => Dec.min(attributed.get(h.symbol)!, slot.times(weights[h.symbol] ?? '0').div(price(h.symbol))),
    ONE,
  );
  // 3. Then (with 2, the cash, taken last) the rest of the attributed parts, then a slice of the rest.
  for (const room of [
    (h: Holding) => attributed.get(h.symbol)!.minus(moved.get(h.symbol)!),
    (h: Holding) => dec(h.qty).minus(moved.get(h.symbol)!),
  ]) {
    const gap = short();
    const worth = held.reduce((a, h) => a.plus(Dec.max(room(h), 0).times(price(h.symbol))), dec('0'));
    if (gap.gt('0.01') && worth.gt(0)) add((h) => Dec.max(room(h), 0), Dec.min(gap.div(worth), ONE));
  }
  const transfers: Transfer[] = held.flatMap((h) => {
    const q = moved.get(h.symbol)!;
    return q.gt(0) ? [slice(h, q, bookId)] : [];
  });
  const cash = cashFor();
  if (cash.gt(0)) transfers.push({ kind: 'cash', from: POOL_BOOK, to: bookId, amount: cash.toFixed() });
  return transfers;
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
  const poolNav = bookTotals(pool, input.prices).nav;
  const bookNav = bookTotals(book, input.prices).nav;
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
