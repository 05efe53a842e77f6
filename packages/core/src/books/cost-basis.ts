/** The cost basis that moves with part of a position (a sale, a transfer, a carve-out, a cross). */
import { CASH_DP, type D, floorTo } from '../decimal.ts';

/**
 * The cost basis that moves with `moved` of the `held` shares of a position costing `cost`: all of it when
 * the whole position moves, else its pro rata share rounded down to cents (what stays keeps the rest).
 */
export const proRataCost = (cost: D, moved: D, held: D): D =>
  moved.gte(held) ? cost : floorTo(cost.times(moved).div(held), CASH_DP);
