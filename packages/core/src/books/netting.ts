/**
 * Netting at the account: the day's planned orders of different books (per-book books and the pool) that
 * trade one symbol in opposite directions are crossed between the books inside the ledger, at the price
 * both plans were sized at, before anything reaches the broker; only what is left goes to the broker.
 *
 * A cross moves `qty` shares from the selling book to the buying one (with the seller's pro rata cost basis,
 * as a flip's carve-out does) and `qty × price` of cash back. The account's positions do not change, so the
 * books still sum to the broker's; the broker sees one side per symbol, so no potential wash trade, fewer
 * orders and no fee or spread on what was crossed.
 *
 * Rules (pure and deterministic, so a re-run decides the same crosses):
 * - symbols in code-unit order; sellers and buyers of a symbol in book-id order, matched greedily;
 * - a cross never exceeds either line, nor what the buyer can pay: its cash and its planned sells at the
 *   as-of prices, less the buy cash buffer, shared across symbols (what the planner sized its buys with). A
 *   buyer paying with its own sells holds less cash than it paid until they fill; the workflow places every
 *   book's sells before any book's buys (the `Sells` Map, then the pool's sells), so the cash a seller got
 *   is at the broker before it can spend it. Should the buyer's sells not fill, the book is short of cash
 *   (the seller holds the proceeds; the account's cash is the books' sum, so reconciliation holds), a buy
 *   it cannot pay is refused loudly, and the book's next plan sells back to its targets;
 * - a whole-share line stays whole: a cross with a whole-share line is a whole number of shares;
 * - fractional crosses are rounded down to {@link QTY_DP} decimals.
 */
import { byString, D, type DecimalString, dec, QTY_DP, str, strQty } from '../decimal.ts';
import type { Side } from '../vocabulary.ts';
import { proRataCost } from './cost-basis.ts';

/** One planned order of a book, as netting reads it. */
export interface NettableLine {
  readonly bookId: string;
  readonly symbol: string;
  readonly side: Side;
  /** Shares (a decimal string > 0). */
  readonly qty: DecimalString;
}

/** What {@link crossOrders} needs besides the lines. */
export interface CrossInput {
  readonly lines: readonly NettableLine[];
  /** The as-of price of each symbol (the price the plans were sized at); a symbol without one is not crossed. */
  readonly prices: Readonly<Record<string, DecimalString>>;
  /** Each buying book's cash now. */
  readonly cash: Readonly<Record<string, DecimalString>>;
  /** Buys are paid from cash less this margin, in basis points (the rails' `buyCashBufferBps`). */
  readonly buyCashBufferBps: number;
}

/** One cross: `qty` shares of `symbol` from `seller` to `buyer` at `price`, `amount` = qty × price of cash back. */
export interface Cross {
  readonly symbol: string;
  readonly seller: string;
  readonly buyer: string;
  readonly qty: DecimalString;
  readonly price: DecimalString;
  readonly amount: DecimalString;
}

interface Open {
  readonly bookId: string;
  left: D;
  readonly whole: boolean;
}

const opens = (lines: readonly NettableLine[], side: Side): Open[] => {
  const byBook = new Map<string, Open>();
  for (const l of lines) {
    if (l.side !== side) continue;
    const qty = dec(l.qty);
    if (!qty.gt(0)) continue;
    const open = byBook.get(l.bookId);
    if (open) open.left = open.left.plus(qty);
    else byBook.set(l.bookId, { bookId: l.bookId, left: qty, whole: qty.isInteger() });
  }
  return [...byBook.values()].sort((a, b) => byString(a.bookId, b.bookId));
};

/** The day's crosses between books (see the module comment). Lines of one book never cross each other. */
export const crossOrders = (input: CrossInput): Cross[] => {
  const buffer = new D(1).minus(new D(input.buyCashBufferBps).div(10_000));
  const priced = new Map<string, D>();
  for (const [symbol, text] of Object.entries(input.prices)) {
    const price = dec(text);
    if (price.isFinite() && price.gt(0)) priced.set(symbol, price);
  }
  // What each book can pay: its cash and what its planned sells bring at the as-of prices, less the buffer
  // (the planner sized its buys the same way).
  const budget = new Map<string, D>();
  for (const l of input.lines) {
    if (!budget.has(l.bookId)) budget.set(l.bookId, dec(input.cash[l.bookId] ?? '0'));
    const price = priced.get(l.symbol);
    if (l.side === 'sell' && price) budget.set(l.bookId, budget.get(l.bookId)!.plus(price.times(l.qty)));
  }
  for (const [b, v] of budget) budget.set(b, D.max(v.times(buffer), 0));
  const crosses: Cross[] = [];
  for (const symbol of [...new Set(input.lines.map((l) => l.symbol))].sort(byString)) {
    const price = priced.get(symbol);
    if (price === undefined) continue;
    const lines = input.lines.filter((l) => l.symbol === symbol);
    const buyers = opens(lines, 'buy');
    for (const seller of opens(lines, 'sell')) {
      for (const buyer of buyers) {
        if (seller.bookId === buyer.bookId || !seller.left.gt(0) || !buyer.left.gt(0)) continue;
        const dp = seller.whole || buyer.whole ? 0 : QTY_DP;
        const affordable = budget.get(buyer.bookId)!.div(price);
        const qty = D.min(seller.left, buyer.left, affordable).toDecimalPlaces(dp, D.ROUND_DOWN);
        if (!qty.gt(0)) continue;
        const amount = qty.times(price);
        seller.left = seller.left.minus(qty);
        buyer.left = buyer.left.minus(qty);
        budget.set(buyer.bookId, budget.get(buyer.bookId)!.minus(amount));
        crosses.push({
          symbol,
          seller: seller.bookId,
          buyer: buyer.bookId,
          qty: strQty(qty),
          price: str(price),
          amount: str(amount),
        });
      }
    }
  }
  return crosses;
};

/**
 * A book's lines less what was crossed: each (symbol, side) reduced by the shares the book's crosses moved
 * (its sells by what it sold to other books, its buys by what it bought), earlier lines first; a line crossed
 * whole is dropped. Lines keep their order and every other field.
 */
export const netLines = <L extends { readonly symbol: string; readonly side: Side; readonly qty?: string }>(
  bookId: string,
  lines: readonly L[],
  crosses: readonly Pick<Cross, 'symbol' | 'seller' | 'buyer' | 'qty'>[],
): L[] => {
  const crossed = new Map<string, D>();
  const add = (key: string, qty: string) => crossed.set(key, (crossed.get(key) ?? new D(0)).plus(qty));
  for (const c of crosses) {
    if (c.seller === bookId) add(`${c.symbol}/sell`, c.qty);
    if (c.buyer === bookId) add(`${c.symbol}/buy`, c.qty);
  }
  if (crossed.size === 0) return [...lines];
  return lines.flatMap((l) => {
    const key = `${l.symbol}/${l.side}`;
    const left = crossed.get(key);
    if (left === undefined || l.qty === undefined || left.isZero()) return [l];
    const qty = dec(l.qty);
    const taken = D.min(qty, left);
    crossed.set(key, left.minus(taken));
    const rest = qty.minus(taken);
    return rest.gt(0) ? [{ ...l, qty: strQty(rest) }] : [];
  });
};

/**
 * The cost basis each cross moves out of its seller: the pro rata share of the seller's position, rounded
 * down to cents, in the crosses' order; a cross that empties the position takes all that is left.
 * `holdings` is each seller's position (`<bookId>/<symbol>` → qty and cost basis) before any cross.
 */
export const crossCostBases = (
  crosses: readonly Cross[],
  holdings: ReadonlyMap<string, { readonly qty: DecimalString; readonly costBasis: DecimalString }>,
): DecimalString[] => {
  const left = new Map<string, { qty: D; cost: D }>();
  return crosses.map((c) => {
    const key = `${c.seller}/${c.symbol}`;
    let held = left.get(key);
    if (held === undefined) {
      const h = holdings.get(key);
      held = { qty: dec(h?.qty ?? '0'), cost: dec(h?.costBasis ?? '0') };
      left.set(key, held);
    }
    const qty = dec(c.qty);
    const cost = proRataCost(held.cost, qty, held.qty);
    held.qty = held.qty.minus(qty);
    held.cost = held.cost.minus(cost);
    return str(cost);
  });
};
