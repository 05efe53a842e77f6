/**
 * Sizing: turns "rebalance to these weights" into order lines for one book.
 *
 * Every line is a share quantity, never a notional. Why: the book ledger holds quantities, and only a
 * quantity lets the planner guarantee its invariants before submission — a sell can be checked against
 * what the book holds (a full exit sells exactly the held qty), and a buy's cost at the plan price is
 * known to fit the cash. Alpaca notional orders would also be limited to fractionable assets and `day`
 * orders, and their filled quantity is only known afterwards.
 *
 * Rules:
 * - Target qty of a symbol = weight × investable NAV / price.
 * - Sells (held > target): fractionable → reduction rounded to 9 decimals; non-fractionable → to the
 *   nearest whole share; never more than held. An exit (weight 0) sells exactly the held qty (for a
 *   non-fractionable asset, its whole shares; a fractional remainder is reported as skipped).
 * - Buys (held < target): the budget is cash + sell proceeds − buffer; if the wanted buys cost more (a
 *   sell was dropped or rounded down), every buy is scaled by budget / cost. Quantities are rounded down
 *   (9 decimals, or whole shares), so the buys never exceed the budget.
 * - A line under the minimum notional is dropped (reported in `skipped`), except an exit: a position
 *   that is no longer selected is always closed, however small.
 * - Non-tradable assets are never traded (reported in `skipped`).
 */
import { Decimal } from 'decimal.js';
import { byString, type D as Dec, dec, floorTo, QTY_DP, roundTo, str, sum, ZERO } from '../decimal.ts';
import type { MarkedBook } from './corridor.ts';
import { PlanInputInvalidError } from './errors.ts';
import type { PlannerSettings } from './settings.ts';
import type { AssetFacts, PlanLine, SkippedLine } from './types.ts';

/** Sized lines: sells then buys, each sorted by symbol. */
export interface Sizing {
  readonly lines: PlanLine[];
  readonly skipped: SkippedLine[];
}

const pct = (w: Dec): string => `${w.times(100).toDecimalPlaces(2).toFixed(2)}%`;

/** Sizes the orders that bring a marked book to `targets`; `why` prefixes every reason. */
export const sizeOrders = (
  m: MarkedBook,
  targets: ReadonlyMap<string, Dec>,
  assets: Readonly<Record<string, AssetFacts>>,
  settings: PlannerSettings,
  why: string,
  bookId: string,
): Sizing => {
  const minNotional = dec(settings.minTradeNotional);
  const factsOf = (symbol: string): AssetFacts => {
    const f = Object.hasOwn(assets, symbol) ? assets[symbol] : undefined;
    if (f === undefined) throw new PlanInputInvalidError(`no asset facts for ${symbol}`, bookId);
    return f;
  };
  const weightOf = (s: string, q: Dec): Dec =>
    m.investable.gt(0) ? q.times(m.price.get(s)!).div(m.investable) : ZERO;
  const sells: PlanLine[] = [];
  const skipped: SkippedLine[] = [];
  const wants: { symbol: string; qty: Dec; price: Dec; facts: AssetFacts; target: Dec; from: Dec }[] = [];
  const symbols = [...new Set([...m.held.keys(), ...targets.keys()])].sort(byString);

  for (const symbol of symbols) {
    const price = m.price.get(symbol)!;
    const held = m.held.get(symbol) ?? ZERO;
    const w = targets.get(symbol) ?? ZERO;
    const targetQty = w.times(m.investable).div(price);
    if (targetQty.eq(held)) continue;
    const facts = factsOf(symbol);
    const skip = (side: 'buy' | 'sell', qty: Dec, reason: string) =>
      skipped.push({ symbol, side, qty: str(qty), price: str(price), reason: `${why}: ${reason}` });
    if (targetQty.gt(held)) {
      const qty = targetQty.minus(held);
      if (!facts.tradable) skip('buy', roundTo(qty, QTY_DP), 'not tradable');
      else wants.push({ symbol, qty, price, facts, target: w, from: weightOf(symbol, held) });
      continue;
    }
    const exit = w.isZero();
    let qty: Dec;
    if (exit) qty = facts.fractionable || held.isInteger() ? held : held.floor();
    else {
      const cut = held.minus(targetQty);
      qty = facts.fractionable ? roundTo(cut, QTY_DP) : cut.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
      if (qty.gt(held)) qty = held;
    }
    if (!facts.tradable) {
      skip('sell', exit ? held : roundTo(held.minus(targetQty), QTY_DP), 'not tradable');
      continue;
    }
    if (exit && qty.lt(held)) skip('sell', held.minus(qty), 'fractional remainder of a whole-share asset');
    if (qty.lte(0)) continue;
    const notional = qty.times(price);
    if (!exit && notional.lt(minNotional)) {
      skip('sell', qty, `below the minimum notional $${str(minNotional)}`);
      continue;
    }
    const reason = exit
      ? `exit ${symbol}: no longer selected`
      : `sell ${symbol} from ${pct(weightOf(symbol, held))} to target ${pct(w)}`;
    sells.push({
      symbol,
      side: 'sell',
      qty: str(qty),
      price: str(price),
      notional: str(notional),
      reason: `${why}: ${reason}`,
    });
  }

  const proceeds = sum(sells.map((l) => dec(l.notional)));
  const budget = m.cash.plus(proceeds).minus(m.buffer);
  const cost = sum(wants.map((w) => w.qty.times(w.price)));
  const scale = cost.gt(budget) ? (budget.gt(0) ? budget.div(cost) : ZERO) : dec('1');
  const buys: PlanLine[] = [];
  for (const want of wants) {
    const { symbol, price } = want;
    const qty = floorTo(want.qty.times(scale), want.facts.fractionable ? QTY_DP : 0);
    const notional = qty.times(price);
    const scaled = scale.lt(1) ? ' (scaled to the cash available)' : '';
    if (qty.lte(0) || notional.lt(minNotional)) {
      const detail = scale.isZero()
        ? 'no cash available'
        : !want.facts.fractionable && qty.isZero()
          ? `less than one whole share${scaled}`
          : `below the minimum notional $${str(minNotional)}${scaled}`;
      skipped.push({
        symbol,
        side: 'buy',
        qty: str(roundTo(want.qty.times(scale), QTY_DP)),
        price: str(price),
        reason: `${why}: ${detail}`,
      });
      continue;
    }
    const reason = `buy ${symbol} from ${pct(want.from)} to target ${pct(want.target)}${scaled}`;
    buys.push({
      symbol,
      side: 'buy',
      qty: str(qty),
      price: str(price),
      notional: str(notional),
      reason: `${why}: ${reason}`,
    });
  }
  return { lines: [...sells, ...buys], skipped };
};
