/**
 * Bringing the ledger up to what the broker says about one order: adopt it (record the intent if the
 * ledger never had it; INTENT → SUBMITTED), record each new fill once, apply every recorded fill once, then
 * move the order's status and cumulative fill. Every step is idempotent, and the order of steps is chosen so
 * that a crash between any two leaves a state the next call completes:
 *
 * 1. A fill's id is `<clientOrderId>:<cumulative filled qty>`; its qty and notional are the differences
 *    between the broker's cumulative figures (`filledQty × filledAvgPrice`) and the sum of the fills already
 *    recorded for the order. A replay finds the same sum and so records nothing twice.
 * 2. Every recorded fill without `appliedAt` is applied (the ledger's `applyFill` is exactly-once).
 * 3. Only then is the order's status (and cumulative fill) moved, so a terminal order in the ledger always
 *    has all its fills recorded and applied.
 */

import type { BrokerOrder, BrokerOrderStatus } from '@ensemble/core';
import { D, dec, strQty, sum } from '@ensemble/core';
import { allPages, type Fill, type Order, type OrderLedger } from '@ensemble/ledger';
import { ExecutionInvariantError } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import type { LedgerOrderStatus } from './types.ts';

/** Ledger status of a broker status. */
export const ledgerStatusOf = (s: BrokerOrderStatus): LedgerOrderStatus =>
  (
    ({
      accepted: 'ACCEPTED',
      partially_filled: 'PARTIALLY_FILLED',
      filled: 'FILLED',
      canceled: 'CANCELED',
      rejected: 'REJECTED',
      expired: 'EXPIRED',
    }) as const
  )[s];

/** Ledger statuses after which an order never changes. */
export const TERMINAL_LEDGER_STATUSES: ReadonlySet<string> = new Set([
  'FILLED',
  'CANCELED',
  'REJECTED',
  'EXPIRED',
]);

/** The fill id of the fill that brings an order's cumulative filled qty to `cumulativeQty`. */
export const fillIdOf = (clientOrderId: string, cumulativeQty: string): string =>
  `${clientOrderId}:${strQty(dec(cumulativeQty))}`;

/** What syncing needs. */
export interface SyncContext {
  /** The order and its fills. */
  ledger: OrderLedger;
  fault: FaultInjector;
  /** The run and book the order belongs to (used when the ledger never recorded the intent). */
  runId: string;
  tradingDay: string;
  bookId: Order['bookId'];
}

const MAX_STATUS_ATTEMPTS = 5;

/**
 * Move the order to `status` (with cumulative fill figures) from whatever version it is at now; a no-op
 * when it is already there. Concurrent writers are re-read and retried a few times.
 */
export const moveOrder = async (
  ctx: SyncContext,
  order: Order,
  target: {
    status: LedgerOrderStatus;
    brokerOrderId?: string;
    filledQty?: string;
    filledNotional?: string;
    reason?: string;
  },
): Promise<Order> => {
  let current = order;
  for (let attempt = 0; attempt < MAX_STATUS_ATTEMPTS; attempt++) {
    const same =
      current.status === target.status &&
      (target.filledQty === undefined || dec(current.filledQty).eq(target.filledQty)) &&
      (target.brokerOrderId === undefined || current.brokerOrderId === target.brokerOrderId);
    if (same) return current;
    if (TERMINAL_LEDGER_STATUSES.has(current.status)) {
      throw new ExecutionInvariantError(
        `the ledger has it ${current.status}, the broker says ${target.status} (filled ${target.filledQty ?? '?'})`,
        current.clientOrderId,
      );
    }
    const r = await ctx.ledger.updateOrderStatus({
      clientOrderId: current.clientOrderId,
      expectedVersion: current.version,
      status: target.status,
      ...(target.brokerOrderId === undefined ? {} : { brokerOrderId: target.brokerOrderId }),
      ...(target.filledQty === undefined ? {} : { filledQty: target.filledQty }),
      ...(target.filledNotional === undefined ? {} : { filledNotional: target.filledNotional }),
      ...(target.reason === undefined ? {} : { reason: target.reason }),
    });
    if (r.status !== 'conflict') {
      ctx.fault.at('after-status', { clientOrderId: current.clientOrderId });
      return r.item;
    }
    if (!r.current)
      throw new ExecutionInvariantError('order vanished from the ledger', current.clientOrderId);
    current = r.current;
  }
  throw new ExecutionInvariantError(
    `order status still contended after ${MAX_STATUS_ATTEMPTS} attempts`,
    order.clientOrderId,
  );
};

/** The ledger's order for a broker order, recording the intent from the broker's order when it is missing. */
export const adoptOrder = async (
  ctx: SyncContext,
  existing: Order | null,
  bo: BrokerOrder,
): Promise<Order> => {
  let order = existing;
  if (!order) {
    const r = await ctx.ledger.recordOrderIntent({
      clientOrderId: bo.clientOrderId,
      runId: ctx.runId,
      tradingDay: ctx.tradingDay,
      bookId: ctx.bookId,
      symbol: bo.symbol,
      side: bo.side,
      ...(bo.qty === undefined ? {} : { requestedQty: bo.qty }),
      ...(bo.notional === undefined ? {} : { requestedNotional: bo.notional }),
      reason: 'adopted: found at the broker before the ledger had it',
    });
    order = r.status === 'conflict' ? r.current : r.item;
  }
  if (order.symbol !== bo.symbol || order.side !== bo.side) {
    throw new ExecutionInvariantError(
      `the broker's order is ${bo.side} ${bo.symbol}, the ledger's ${order.side} ${order.symbol}`,
      bo.clientOrderId,
    );
  }
  if (order.status === 'INTENT') {
    order = await moveOrder(ctx, order, { status: 'SUBMITTED', brokerOrderId: bo.id });
  }
  return order;
};

const sumFills = (fills: readonly Fill[]) => ({
  qty: sum(fills.map((f) => f.qty)),
  notional: sum(fills.map((f) => f.notional)),
  fee: sum(fills.map((f) => f.fee)),
});

/**
 * Record the broker's new fills of the order (at most one new fill per call: the difference since the
 * last recorded one), apply every unapplied fill, and move the order to the broker's status.
 */
export const syncOrder = async (ctx: SyncContext, order: Order, bo: BrokerOrder): Promise<Order> => {
  const id = order.clientOrderId;
  const fills = await allPages((o) =>
    ctx.ledger.listFillsOfOrder({ runId: order.runId, clientOrderId: id }, o),
  );
  const recorded = sumFills(fills);
  const brokerQty = dec(bo.filledQty);
  if (brokerQty.lt(recorded.qty)) {
    throw new ExecutionInvariantError(
      `the broker's filled qty ${bo.filledQty} is below the ${strQty(recorded.qty)} already recorded`,
      id,
    );
  }
  if (brokerQty.gt(recorded.qty)) {
    if (bo.filledAvgPrice === null) {
      throw new ExecutionInvariantError(`the broker reports ${bo.filledQty} filled without a price`, id);
    }
    const avg = dec(bo.filledAvgPrice);
    const qty = brokerQty.minus(recorded.qty);
    // Brokers book cash in cents: the order's cumulative cash is qty × average price rounded half-up to
    // cents, and this fill moved what that adds to the fills already recorded.
    const notional = brokerQty.times(avg).toDecimalPlaces(2, D.ROUND_HALF_UP).minus(recorded.notional);
    let price = notional.div(qty).toDecimalPlaces(9);
    if (price.lte(0)) price = avg;
    const fee = D.max(dec(bo.fees).minus(recorded.fee), 0);
    const r = await ctx.ledger.recordFill({
      fillId: fillIdOf(id, bo.filledQty),
      clientOrderId: id,
      runId: order.runId,
      tradingDay: order.tradingDay,
      bookId: order.bookId,
      symbol: order.symbol,
      side: order.side,
      qty: strQty(qty),
      price: strQty(price),
      notional: strQty(notional),
      fee: strQty(fee),
      filledAt: bo.updatedAt,
    });
    if (r.status === 'conflict') {
      throw new ExecutionInvariantError(
        `fill ${r.current.fillId} is recorded with other figures (${r.current.qty} @ ${r.current.price}) than now derived (${strQty(qty)} @ ${strQty(price)})`,
        id,
      );
    }
    ctx.fault.at('after-fill-record', { clientOrderId: id });
    if (!fills.some((f) => f.fillId === r.item.fillId)) fills.push(r.item);
  }
  for (const f of fills) {
    if (f.appliedAt !== undefined) continue;
    ctx.fault.at('before-apply', { clientOrderId: id });
    await ctx.ledger.applyFill(f.fillId);
    ctx.fault.at('after-apply', { clientOrderId: id });
  }
  const total = sumFills(fills);
  return moveOrder(ctx, order, {
    status: ledgerStatusOf(bo.status),
    brokerOrderId: bo.id,
    filledQty: strQty(total.qty),
    filledNotional: strQty(total.notional),
    ...(bo.reason === undefined ? {} : { reason: bo.reason }),
  });
};
