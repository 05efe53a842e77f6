/**
 * Pool attribution. The pool is unitized: each aggregated strategy owns a share (fraction) of everything in
 * the pool — every position and the cash — and the shares sum to 1. Consequences, by design:
 * - Pool trades and pool P&L do not change shares; every member earns the pool's return. (A member that
 *   wants its own track record runs `per-book`.) Shares change only when capital enters or leaves the pool
 *   for one member: the flag flip (carve out / merge in), priced at NAV like fund units.
 * - A strategy's attributed slice of the pool is `share × each position` and `share × cash`.
 * - Every pool order carries an {@link OrderAttribution}: each member's signed share of the order, from its
 *   contribution to the net trade (a member wanting to sell while the pool buys has a negative share). The
 *   records explain who caused which trade; they are not needed to recompute the slices.
 */
import * as z from 'zod';
import {
  byString,
  D,
  type D as Dec,
  DecimalString,
  dec,
  floorTo,
  ONE,
  SHARE_DP,
  str,
  sum,
} from '../decimal.ts';
import { BookInvariantError } from './errors.ts';
import { StrategyId } from './types.ts';

/** Each pool member's fraction of the pool; values ≥ 0 summing to exactly 1 (or no members). */
export const PoolShares = z.record(StrategyId, DecimalString);
export type PoolShares = Readonly<Record<StrategyId, DecimalString>>;

/** Throws a {@link BookInvariantError} unless every share is ≥ 0 and they sum to exactly 1 (or none). */
export const assertShares = (shares: PoolShares): void => {
  const values = Object.values(shares).map(dec);
  if (values.some((v) => v.lt(0))) throw new BookInvariantError('a pool share is negative', 'pool');
  if (values.length > 0 && !sum(values).eq(1)) {
    throw new BookInvariantError(`pool shares sum to ${str(sum(values))}, not 1`, 'pool');
  }
};

/**
 * Normalizes non-negative weights into {@link PoolShares}: each rounded down to 18 decimals, the residue
 * given to the largest (ties: first id), so the result sums to exactly 1.
 */
export const normalizeShares = (weights: Readonly<Record<StrategyId, Dec>>): PoolShares => {
  const ids = Object.keys(weights).sort(byString);
  if (ids.length === 0) return {};
  const total = sum(ids.map((id) => weights[id]!));
  if (total.lte(0) || ids.some((id) => weights[id]!.lt(0))) {
    throw new BookInvariantError('pool share weights must be ≥ 0 with a positive sum', 'pool');
  }
  const out: Record<StrategyId, Dec> = {};
  for (const id of ids) out[id] = floorTo(weights[id]!.div(total), SHARE_DP);
  const largest = ids.reduce((a, b) => (weights[b]!.gt(weights[a]!) ? b : a));
  out[largest] = out[largest]!.plus(ONE.minus(sum(ids.map((id) => out[id]!))));
  return Object.fromEntries(ids.map((id) => [id, str(out[id]!)]));
};

/** One member's part of a pool order. */
export interface Contribution {
  readonly strategyId: StrategyId;
  /** Signed fraction of the order (sums to 1 over members); negative = wanted the other side. */
  readonly share: DecimalString;
  /** Signed shares of the order attributed to this member (sums to the order's qty exactly). */
  readonly qty: DecimalString;
}

/** Who caused a pool order, and by how much. */
export interface OrderAttribution {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: DecimalString;
  /** Sorted by strategy id. */
  readonly contributions: readonly Contribution[];
}

/**
 * Attributes an order of `qty` shares to members from their signed desired changes (in shares, in the
 * order's direction). When the contributions cancel out (sum 0), `fallback` weights (the pool shares) are
 * used. Quantities are rounded toward zero to 9 decimals; the residue goes to the largest |share|.
 */
export const attributeOrder = (
  order: { readonly symbol: string; readonly side: 'buy' | 'sell'; readonly qty: DecimalString },
  contributions: Readonly<Record<StrategyId, Dec>>,
  fallback: PoolShares,
): OrderAttribution => {
  const ids = Object.keys(contributions).sort(byString);
  let total = sum(ids.map((id) => contributions[id]!));
  let weights: Record<StrategyId, Dec> = { ...contributions };
  if (total.isZero()) {
    weights = Object.fromEntries(ids.map((id) => [id, dec(fallback[id] ?? '0')]));
    total = sum(ids.map((id) => weights[id]!));
  }
  if (ids.length === 0 || total.isZero()) {
    throw new BookInvariantError(
      `order ${order.side} ${order.qty} ${order.symbol} has no contributor`,
      'pool',
    );
  }
  const qty = dec(order.qty);
  const shares = ids.map((id) => weights[id]!.div(total));
  const qtys = shares.map((s) => floorTo(qty.times(s), 9));
  const residue = qty.minus(sum(qtys));
  let k = 0;
  shares.forEach((s, i) => {
    if (s.abs().gt(shares[k]!.abs())) k = i;
  });
  qtys[k] = qtys[k]!.plus(residue);
  return {
    ...order,
    contributions: ids.map((strategyId, i) => ({
      strategyId,
      share: str(shares[i]!.toDecimalPlaces(12)),
      qty: str(qtys[i]!),
    })),
  };
};

/** The value each member owns of a pool worth `nav`: `share × nav` (unrounded). */
export const memberValues = (shares: PoolShares, nav: DecimalString): Record<StrategyId, DecimalString> =>
  Object.fromEntries(
    Object.keys(shares)
      .sort(byString)
      .map((id) => [id, str(new D(shares[id]!).times(nav))]),
  );
