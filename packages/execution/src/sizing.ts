/**
 * Sizing buys against the cash the sells actually released. The planner sized buys at as-of prices against
 * the cash it expected; after the sells, the book's real cash may be less (partial fills, slippage, fees).
 * When the planned buys cost more than the cash less a buffer, every buy is scaled by the same factor and
 * rounded down (whole shares unless the asset is fractionable); buys left under $1 are dropped.
 */

import type { AssetFacts } from '@ensemble/core';
import { D, dec, strQty } from '@ensemble/core';

/** A buy line at its as-of price. */
export interface BuyLine {
  clientOrderId: string;
  symbol: string;
  qty: string;
  price: D;
  reason: string;
}

/** Buys as they will be placed, and those dropped. */
export interface SizedBuys {
  buys: BuyLine[];
  dropped: { line: BuyLine; reason: string }[];
  /** The factor applied (1 when the cash covers the plan). */
  factor: string;
}

/** The broker's minimum order notional. */
export const MIN_ORDER_NOTIONAL = new D(1);

/** Scale `lines` to fit `cash × (1 − bufferBps / 10000)`. Pure. */
export const sizeBuys = (
  lines: readonly BuyLine[],
  cash: string,
  bufferBps: number,
  assets: ReadonlyMap<string, AssetFacts>,
): SizedBuys => {
  const available = D.max(dec(cash).times(new D(10_000).minus(bufferBps)).div(10_000), 0);
  const total = lines.reduce((t, l) => t.plus(dec(l.qty).times(l.price)), new D(0));
  if (total.lte(available)) return { buys: [...lines], dropped: [], factor: '1' };
  const factor = total.isZero() ? new D(0) : available.div(total);
  const buys: BuyLine[] = [];
  const dropped: SizedBuys['dropped'] = [];
  for (const l of lines) {
    const dp = assets.get(l.symbol)?.fractionable === true ? 9 : 0;
    const qty = dec(l.qty).times(factor).toDecimalPlaces(dp, D.ROUND_DOWN);
    if (qty.lte(0) || qty.times(l.price).lt(MIN_ORDER_NOTIONAL)) {
      dropped.push({
        line: l,
        reason: `not enough cash after the sells (${strQty(available)} for ${strQty(total)} planned)`,
      });
    } else {
      buys.push({ ...l, qty: strQty(qty) });
    }
  }
  return { buys, dropped, factor: strQty(factor) };
};
