/**
 * One order from plan line to terminal state, exactly once, under the symbol's lease:
 *
 *   ledger lookup → (terminal: done) → lease → broker lookup → [new: rails → INTENT → submit] →
 *   adopt/sync → poll until terminal (deadline: cancel the remainder) → release the lease.
 *
 * Orders the broker already has are always followed to the end; only a NEW submission consults the rails.
 * A buy whose intent the same execution just recorded, after seeing no buy of the plan at the broker, skips
 * both lookups (`OrderSpec.fresh`): the broker's duplicate client order id still catches a concurrent copy.
 * A crash anywhere is completed by calling again with the same line: the ledger and the broker are both
 * looked up by the deterministic client order id before anything is placed.
 */
import {
  type Broker,
  type BrokerOrder,
  BrokerUnavailableError,
  DuplicateClientOrderIdError,
  InsufficientBuyingPowerError,
  isSimulatedCrash,
  MarketClosedError,
  OrderRejectedError,
  type RailSettings,
  SymbolBusyError,
  TERMINAL_ORDER_STATUSES,
} from '@ensemble/core';
import type { ControlLedger, Order, OrderLedger } from '@ensemble/ledger';
import { ExecutionInvariantError } from './errors.ts';
import {
  adoptOrder,
  moveOrder,
  type SyncContext,
  syncOrder,
  TERMINAL_LEDGER_STATUSES,
} from './order-sync.ts';
import type { RailVerdict } from './rails.ts';
import type { ExecutedOrder } from './types.ts';

/** A line ready to run: its id, and how to size it if the ledger has no intent yet. */
export interface OrderSpec {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  /**
   * The qty of a new intent, resolved only when one must be recorded (so it can read the book as it is
   * then); a result ≤ 0 skips the line with `reason`.
   */
  qty: () => Promise<{ qty: string } | { skip: string }>;
  reason: string;
  /**
   * The intent this execution just recorded for an order it found at neither the ledger (beyond INTENT)
   * nor the broker: both lookups are skipped. A concurrent duplicate that placed it meanwhile is still
   * caught by the broker's duplicate client order id and adopted.
   */
  fresh?: Order;
}

/** Everything running one order needs. */
export interface RunnerContext extends SyncContext {
  /** The order and its fills, and the symbol's lease. */
  ledger: OrderLedger & Pick<ControlLedger, 'acquireLease' | 'releaseLease'>;
  broker: Broker;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  holder: string;
  settings: RailSettings;
  pollIntervalMs: number;
  deadlineMs: number;
  /** The rails for a new submission: null to go ahead. */
  gate: () => Promise<RailVerdict | null>;
}

/** How running one line ended: the order as the ledger has it, or the rail that kept it from the broker. */
export type OrderRun =
  | { kind: 'order'; order: ExecutedOrder; blocked?: RailVerdict }
  | { kind: 'blocked'; blocked: RailVerdict }
  | { kind: 'skipped'; reason: string };

/** The report form of a ledger order. */
export const summarize = (o: Order): ExecutedOrder => {
  const last = o.statusHistory[o.statusHistory.length - 1];
  return {
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    qty: o.requestedQty ?? '0',
    status: o.status,
    filledQty: o.filledQty,
    filledNotional: o.filledNotional,
    ...(o.brokerOrderId === undefined ? {} : { brokerOrderId: o.brokerOrderId }),
    ...(last?.reason === undefined ? {} : { reason: last.reason }),
  };
};

const mustFind = async (ctx: RunnerContext, id: string): Promise<BrokerOrder> => {
  const bo = await ctx.broker.getOrderByClientId(id);
  if (!bo) throw new ExecutionInvariantError('the broker no longer knows an order it accepted', id);
  return bo;
};

/** Poll until terminal; at the deadline cancel the remainder and wait (up to the grace) for the cancel. */
const followToEnd = async (ctx: RunnerContext, order: Order, first: BrokerOrder): Promise<Order> => {
  const id = order.clientOrderId;
  let bo = first;
  let current = await syncOrder(ctx, order, bo);
  const deadline = ctx.clock().getTime() + ctx.deadlineMs;
  while (!TERMINAL_ORDER_STATUSES.has(bo.status)) {
    if (ctx.clock().getTime() >= deadline) {
      ctx.fault.at('before-cancel', { clientOrderId: id });
      await ctx.broker.cancelOrder(bo.id);
      ctx.fault.at('after-cancel', { clientOrderId: id });
      const grace = ctx.clock().getTime() + ctx.settings.cancelGraceMs;
      for (;;) {
        bo = await mustFind(ctx, id);
        current = await syncOrder(ctx, current, bo);
        if (TERMINAL_ORDER_STATUSES.has(bo.status)) return current;
        if (ctx.clock().getTime() >= grace) {
          throw new BrokerUnavailableError(
            'cancelOrder',
            `${id} is still ${bo.status} ${ctx.settings.cancelGraceMs} ms after its cancel`,
          );
        }
        await ctx.sleep(ctx.pollIntervalMs);
      }
    }
    await ctx.sleep(ctx.pollIntervalMs);
    ctx.fault.at('mid-poll', { clientOrderId: id });
    bo = await mustFind(ctx, id);
    current = await syncOrder(ctx, current, bo);
  }
  return current;
};

/** Time between two tries at a busy symbol's lease. */
const LEASE_POLL_MS = 250;

/**
 * The symbol's lease, waiting up to `leaseWaitMs` (by the clock, and at most that many polls) while another
 * book holds it: books trading one symbol queue here rather than fail with `SymbolBusy` at once.
 */
const acquireWaiting = async (ctx: RunnerContext, symbol: string) => {
  const deadline = ctx.clock().getTime() + ctx.settings.leaseWaitMs;
  const maxPolls = Math.ceil(ctx.settings.leaseWaitMs / LEASE_POLL_MS);
  for (let poll = 0; ; poll += 1) {
    const lease = await ctx.ledger.acquireLease({
      symbol,
      holder: ctx.holder,
      ttlSeconds: ctx.settings.leaseTtlSeconds,
      now: ctx.clock(),
    });
    if (lease.acquired || poll >= maxPolls || ctx.clock().getTime() >= deadline) return lease;
    await ctx.sleep(LEASE_POLL_MS);
  }
};

/** Place (or adopt) and follow one order; see the module comment. */
export const runOrder = async (ctx: RunnerContext, spec: OrderSpec): Promise<OrderRun> => {
  const id = spec.clientOrderId;
  let order = spec.fresh ?? (await ctx.ledger.getOrder(id));
  if (order && TERMINAL_LEDGER_STATUSES.has(order.status)) {
    // A crash between the terminal status and the release left the lease held: free it (a no-op otherwise).
    await release(ctx, spec.symbol);
    return { kind: 'order', order: summarize(order) };
  }

  const lease = await acquireWaiting(ctx, spec.symbol);
  if (!lease.acquired) {
    const by = lease.current ? `${lease.current.holder} until ${lease.current.expiresAt}` : 'another worker';
    throw new SymbolBusyError(spec.symbol, `leased by ${by}`);
  }
  ctx.fault.at('after-lease', { clientOrderId: id });
  try {
    let bo = spec.fresh ? null : await ctx.broker.getOrderByClientId(id);
    let blocked: RailVerdict | undefined;
    if (!bo) {
      if (order && order.status !== 'INTENT') {
        throw new ExecutionInvariantError(
          `the ledger has it ${order.status} but the broker has no such order`,
          id,
        );
      }
      ctx.fault.at('before-rails', { clientOrderId: id });
      const verdict = await ctx.gate();
      if (verdict) {
        await release(ctx, spec.symbol);
        return { kind: 'blocked', blocked: verdict };
      }
      if (!order) {
        const sized = await spec.qty();
        if ('skip' in sized) {
          await release(ctx, spec.symbol);
          return { kind: 'skipped', reason: sized.skip };
        }
        ctx.fault.at('before-intent', { clientOrderId: id });
        const r = await ctx.ledger.recordOrderIntent({
          clientOrderId: id,
          runId: ctx.runId,
          tradingDay: ctx.tradingDay,
          bookId: ctx.bookId,
          symbol: spec.symbol,
          side: spec.side,
          requestedQty: sized.qty,
          reason: spec.reason,
        });
        order = r.status === 'conflict' ? r.current : r.item;
        ctx.fault.at('after-intent', { clientOrderId: id });
      }
      const qty = order.requestedQty;
      if (qty === undefined) throw new ExecutionInvariantError('the ledger intent has no qty', id);
      ctx.fault.at('before-submit', { clientOrderId: id });
      try {
        bo = await ctx.broker.submitOrder({
          clientOrderId: id,
          symbol: order.symbol,
          side: order.side,
          qty,
          type: 'market',
          timeInForce: 'day',
        });
      } catch (e) {
        if (e instanceof DuplicateClientOrderIdError) {
          bo = await mustFind(ctx, id);
        } else if (
          e instanceof InsufficientBuyingPowerError ||
          e instanceof OrderRejectedError ||
          e instanceof MarketClosedError
        ) {
          const rejected = await moveOrder(ctx, order, {
            status: 'REJECTED',
            reason: `${e.name}: ${e.message}`,
          });
          if (e instanceof MarketClosedError) blocked = { rail: 'market-closed', reason: e.message };
          await release(ctx, spec.symbol);
          return { kind: 'order', order: summarize(rejected), ...(blocked ? { blocked } : {}) };
        } else {
          throw e;
        }
      }
      ctx.fault.at('after-submit', { clientOrderId: id });
    }
    order = await adoptOrder(ctx, order, bo);
    ctx.fault.at('after-submitted-status', { clientOrderId: id });
    order = await followToEnd(ctx, order, bo);
    ctx.fault.at('before-release', { clientOrderId: id });
    await release(ctx, spec.symbol);
    return { kind: 'order', order: summarize(order) };
  } catch (e) {
    // A real crash releases nothing; the same holder renews the lease on the re-run (or it expires).
    if (!isSimulatedCrash(e)) await release(ctx, spec.symbol).catch(() => undefined);
    throw e;
  }
};

const release = (ctx: RunnerContext, symbol: string) =>
  ctx.ledger.releaseLease({ symbol, holder: ctx.holder });
