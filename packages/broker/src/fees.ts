/**
 * Fee models of the simulated broker. A fee model prices one fill; the broker charges the result on top of
 * a buy's cost and deducts it from a sell's proceeds, cumulatively per order.
 */
import { CASH_DP, ceilTo, D, str } from '@ensemble/core';

/** One fill, as a fee model sees it (decimal strings). */
export interface FeeInput {
  readonly side: 'buy' | 'sell';
  readonly symbol: string;
  readonly qty: string;
  readonly price: string;
  /** qty × price, in cents. */
  readonly amount: string;
}

/** Prices one fill: a non-negative decimal string of dollars (rounded to cents by the broker). */
export type FeeModel = (fill: FeeInput) => string;

/** No fees at all (Alpaca's commission-free default, ignoring pass-through regulatory fees). */
export const zeroFees: FeeModel = () => '0';

/** Parameters of {@link regulatoryFees}. */
export interface RegulatoryFeeOptions {
  /** Commission per share on every fill. @default '0' */
  readonly perShare?: string;
  /** SEC Section 31 fee rate on sell proceeds. @default '0.0000278' */
  readonly secRate?: string;
  /** FINRA TAF per share sold. @default '0.000166' */
  readonly tafPerShare?: string;
  /** Cap of the TAF per fill. @default '8.30' */
  readonly tafMax?: string;
}

/**
 * A fee model like the pass-through fees of a US broker: an optional per-share commission on every fill,
 * plus on sells the SEC fee (rate × proceeds) and the FINRA TAF (per share, capped), each rounded up to
 * the cent.
 */
export const regulatoryFees = (options: RegulatoryFeeOptions = {}): FeeModel => {
  const perShare = new D(options.perShare ?? '0');
  const secRate = new D(options.secRate ?? '0.0000278');
  const tafPerShare = new D(options.tafPerShare ?? '0.000166');
  const tafMax = new D(options.tafMax ?? '8.30');
  return (fill) => {
    const qty = new D(fill.qty);
    let fee = ceilTo(perShare.times(qty), CASH_DP);
    if (fill.side === 'sell') {
      fee = fee.plus(ceilTo(secRate.times(fill.amount), CASH_DP));
      fee = fee.plus(D.min(ceilTo(tafPerShare.times(qty), CASH_DP), tafMax));
    }
    return str(fee);
  };
};

/**
 * A fee of `bps` basis points of each fill's notional (qty × price, in cents), rounded to the cent by the
 * broker: a simple all-in cost model for backtests and local days (`account.simulatedFills.feeBps`).
 */
export const notionalFees = (bps: number): FeeModel => {
  if (!Number.isFinite(bps) || bps < 0)
    throw new RangeError(`fee bps must be a finite number ≥ 0, got ${bps}`);
  const rate = new D(bps).div(10_000);
  return (fill) => str(rate.times(fill.amount));
};

/** Slippage and a notional fee, in basis points (the config's `account.simulatedFills`). */
export interface FillCosts {
  /** @default 0 */
  readonly slippageBps?: number;
  /** @default 0 */
  readonly feeBps?: number;
}

/** The SimBroker options of {@link FillCosts}: the one place local days and the backtest turn them into a broker. */
export const fillCostOptions = (costs: FillCosts = {}): { slippageBps: number; fees: FeeModel } => ({
  slippageBps: costs.slippageBps ?? 0,
  fees: costs.feeBps ? notionalFees(costs.feeBps) : zeroFees,
});
