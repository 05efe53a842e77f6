/**
 * The order rules and fill math of the simulated broker, as pure functions on the account state (the
 * caller loads it, applies one of these, and writes it back conditioned on its version). Modelled on
 * Alpaca: market day orders by `qty` (≤ 9 decimals; whole shares for non-fractionable assets) or
 * `notional` (≥ $1, cents, fractionable assets only), no margin, no shorting, and no order opposite to an
 * open order on the same symbol.
 */
import {
  type BrokerOrder,
  type BrokerSide,
  cents,
  D,
  dec,
  floorTo,
  InsufficientBuyingPowerError,
  OrderRejectedError,
  QTY_DP,
  SymbolBusyError,
  sessionClose,
  str,
  ZERO,
} from '@ensemble/core';
import type { FeeModel } from './fees.ts';
import type { SimAccountState, SimOrderRecord } from './types.ts';

/** Statuses of an order that can still fill. */
export const isOpen = (o: SimOrderRecord): boolean =>
  o.status === 'accepted' || o.status === 'partially_filled';

/** The port's view of an order (the simulation's bookkeeping removed). */
export const toBrokerOrder = (o: SimOrderRecord): BrokerOrder => ({
  id: o.id,
  clientOrderId: o.clientOrderId,
  symbol: o.symbol,
  side: o.side,
  ...(o.qty === undefined ? {} : { qty: o.qty }),
  ...(o.notional === undefined ? {} : { notional: o.notional }),
  status: o.status,
  filledQty: o.filledQty,
  filledAvgPrice: o.filledAvgPrice,
  fees: o.fees,
  submittedAt: o.submittedAt,
  updatedAt: o.updatedAt,
  ...(o.reason === undefined ? {} : { reason: o.reason }),
});

/** Decimals kept in a position's cost basis (qty decimals + price decimals). */
const COST_DP = 13;

const decimals = (s: string): number => s.split('.')[1]?.length ?? 0;

/** An order request after the shape check. */
export interface NewOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: BrokerSide;
  readonly qty?: string;
  readonly notional?: string;
  /** The open session it is submitted in. */
  readonly session: string;
  /** Fill price of this session (slippage applied). */
  readonly price: string;
  readonly fractionable: boolean;
  readonly polls: number;
  readonly fraction: string;
  readonly now: string;
}

/** Fee of a fill of `qty` at `price`, in cents. */
const feeOf = (fees: FeeModel, side: BrokerSide, symbol: string, qty: D, price: D): D => {
  const amount = cents(qty.times(price));
  const fee = dec(fees({ side, symbol, qty: str(qty), price: str(price), amount: str(amount) }));
  if (!fee.isFinite() || fee.isNegative()) throw new RangeError(`fee model returned ${fee.toString()}`);
  return cents(fee);
};

/**
 * Checks a new order against the account and returns its record (status `accepted`, nothing filled yet,
 * cash or shares reserved). Throws the port's typed errors for every rule it breaks.
 */
export const acceptOrder = (state: SimAccountState, order: NewOrder, fees: FeeModel): SimOrderRecord => {
  const { clientOrderId: cid, symbol, side } = order;
  const price = dec(order.price);
  let qty: D;
  if (order.qty !== undefined) {
    qty = dec(order.qty);
    if (!qty.gt(0)) throw new OrderRejectedError(cid, `qty must be > 0, got ${order.qty}`);
    if (decimals(order.qty) > QTY_DP)
      throw new OrderRejectedError(cid, `qty has more than ${QTY_DP} decimals`);
    if (!order.fractionable && !qty.isInteger()) {
      throw new OrderRejectedError(cid, `${symbol} is not fractionable: qty must be whole shares`);
    }
  } else {
    const notional = dec(order.notional ?? '0');
    if (!order.fractionable)
      throw new OrderRejectedError(cid, `${symbol} is not fractionable: no notional orders`);
    if (notional.lt(1))
      throw new OrderRejectedError(cid, `notional must be at least $1, got ${order.notional}`);
    if (decimals(order.notional ?? '') > 2)
      throw new OrderRejectedError(cid, 'notional has more than 2 decimals');
    qty = floorTo(notional.div(price), QTY_DP);
    if (!qty.gt(0)) throw new OrderRejectedError(cid, 'notional buys less than 1e-9 shares');
  }
  const opposite = Object.values(state.orders).find(
    (o) => isOpen(o) && o.symbol === symbol && o.side !== side,
  );
  if (opposite) {
    throw new SymbolBusyError(
      symbol,
      `potential wash trade: open ${opposite.side} order ${opposite.clientOrderId}`,
    );
  }
  const open = Object.values(state.orders).filter(isOpen);
  let reservedCash = ZERO;
  let reservedQty = ZERO;
  if (side === 'buy') {
    const amount = order.notional !== undefined ? dec(order.notional) : cents(qty.times(price));
    reservedCash = amount.plus(feeOf(fees, side, symbol, qty, price));
    const held = open.reduce((s, o) => s.plus(o.reservedCash), ZERO);
    const available = dec(state.cash).minus(held);
    if (reservedCash.gt(available)) {
      throw new InsufficientBuyingPowerError(
        cid,
        `needs ${str(reservedCash)}, buying power ${str(available)}`,
      );
    }
  } else {
    const held = open.filter((o) => o.symbol === symbol).reduce((s, o) => s.plus(o.reservedQty), ZERO);
    const available = dec(state.positions[symbol]?.qty ?? '0').minus(held);
    if (qty.gt(available)) {
      throw new OrderRejectedError(
        cid,
        `insufficient qty available for ${symbol}: ${str(qty)} > ${str(available)}`,
      );
    }
    reservedQty = qty;
  }
  return {
    id: order.id,
    clientOrderId: cid,
    symbol,
    side,
    ...(order.qty === undefined ? {} : { qty: str(dec(order.qty)) }),
    ...(order.notional === undefined ? {} : { notional: str(dec(order.notional)) }),
    status: 'accepted',
    filledQty: '0',
    filledAvgPrice: null,
    fees: '0',
    submittedAt: order.now,
    updatedAt: order.now,
    session: order.session,
    pollsBeforeFill: order.polls,
    fillFraction: order.fraction,
    reservedCash: str(reservedCash),
    reservedQty: str(reservedQty),
  };
};

/**
 * Executes the fill of an accepted order at `price` (its session's fill price): moves cash and shares and
 * updates the order in `state` (status `filled`, or `partially_filled` when its fill fraction is below 1).
 */
export const fillOrder = (
  state: SimAccountState,
  cid: string,
  price: string,
  fractionable: boolean,
  fees: FeeModel,
  now: string,
): void => {
  const order = state.orders[cid];
  if (order?.status !== 'accepted') return;
  const p = dec(price);
  const fraction = dec(order.fillFraction);
  const qty =
    order.qty !== undefined
      ? floorTo(dec(order.qty).times(fraction), fractionable ? QTY_DP : 0)
      : floorTo(
          dec(order.notional ?? '0')
            .times(fraction)
            .div(p),
          QTY_DP,
        );
  const complete = fraction.eq(1);
  if (!qty.gt(0)) {
    // The fraction rounds to nothing (e.g. half of one whole share): nothing fills, the order stays open.
    order.pollsBeforeFill = 0;
    return;
  }
  const amount = cents(qty.times(p));
  const fee = feeOf(fees, order.side, order.symbol, qty, p);
  const position = state.positions[order.symbol] ?? { qty: '0', costBasis: '0' };
  const held = dec(position.qty);
  if (order.side === 'buy') {
    const cost = amount.plus(fee);
    if (cost.gt(state.cash)) {
      Object.assign(order, {
        status: 'rejected',
        reason: 'insufficient buying power at fill',
        updatedAt: now,
      });
      Object.assign(order, { reservedCash: '0', reservedQty: '0' });
      return;
    }
    state.cash = str(dec(state.cash).minus(cost));
    state.positions[order.symbol] = {
      qty: str(held.plus(qty)),
      costBasis: str(dec(position.costBasis).plus(qty.times(p))),
    };
    order.reservedCash = complete ? '0' : str(D.max(ZERO, dec(order.reservedCash).minus(cost)));
  } else {
    if (qty.gt(held)) {
      Object.assign(order, { status: 'rejected', reason: 'insufficient qty at fill', updatedAt: now });
      Object.assign(order, { reservedCash: '0', reservedQty: '0' });
      return;
    }
    state.cash = str(dec(state.cash).plus(amount).minus(fee));
    const left = held.minus(qty);
    if (left.isZero()) delete state.positions[order.symbol];
    else
      state.positions[order.symbol] = {
        qty: str(left),
        costBasis: str(dec(position.costBasis).times(left).div(held).toDecimalPlaces(COST_DP)),
      };
    order.reservedQty = complete ? '0' : str(dec(order.reservedQty).minus(qty));
  }
  const before = dec(order.filledQty);
  const total = before.plus(qty);
  const avg =
    order.filledAvgPrice === null ? p : dec(order.filledAvgPrice).times(before).plus(p.times(qty)).div(total);
  order.filledQty = str(total);
  order.filledAvgPrice = str(avg.toDecimalPlaces(6));
  order.fees = str(dec(order.fees).plus(fee));
  order.status = complete ? 'filled' : 'partially_filled';
  order.updatedAt = now;
};

/** Ends an open order (`canceled` or `expired`), keeping what filled and releasing its reservations. */
export const closeOrder = (
  order: SimOrderRecord,
  status: 'canceled' | 'expired',
  reason: string,
  now: string,
) => {
  if (!isOpen(order)) return;
  Object.assign(order, { status, reason, updatedAt: now, reservedCash: '0', reservedQty: '0' });
};

/** Expires every open day order whose session has closed by `now`. Returns true when any changed. */
export const expireDayOrders = (state: SimAccountState, now: Date): boolean => {
  let changed = false;
  for (const order of Object.values(state.orders)) {
    if (expiredBy(order, now)) {
      closeOrder(order, 'expired', `day order expired at the close of ${order.session}`, now.toISOString());
      changed = true;
    }
  }
  return changed;
};

/** Whether `order` is an open day order whose session has closed by `now` ({@link expireDayOrders} expires it). */
const expiredBy = (order: SimOrderRecord, now: Date): boolean =>
  isOpen(order) && now.getTime() >= sessionClose(order.session).getTime();

/** Whether {@link expireDayOrders} would expire any order of `state` at `now`. */
export const hasExpiredDayOrders = (state: SimAccountState, now: Date): boolean => {
  for (const cid in state.orders) {
    const order = state.orders[cid];
    if (order !== undefined && expiredBy(order, now)) return true;
  }
  return false;
};
