/**
 * `SimBroker`: the embedded default implementation of the core `Broker` port. It fills market day orders
 * at the close of the session they are submitted in (plus slippage, minus fees), under Alpaca's rules (see
 * `./orders.ts`), on an account kept in a {@link SimBrokerStore}. Every change is one write of the account
 * item conditioned on its version (see `./types.ts`); the next write archives the orders it left terminal.
 * Time comes only from the injected clock; the calendar is the core NYSE calendar.
 */
import { randomUUID } from 'node:crypto';
import {
  type AssetFacts,
  type Broker,
  type BrokerAccount,
  type BrokerOrder,
  type BrokerPosition,
  BrokerUnavailableError,
  type CalendarDay,
  CorporateAction,
  type CorporateActionInput,
  type CorporateActionQuery,
  cents,
  D,
  DuplicateClientOrderIdError,
  dec,
  EnsembleError,
  type MarketClock,
  MarketClosedError,
  marketClockAt,
  marketMomentAt,
  OrderRejectedError,
  quotePrice,
  remembered,
  rememberedFor,
  type SubmitOrderRequest,
  sessionOnOrBefore,
  sessionsBetween,
  str,
  toNewYork,
  ZERO,
} from '@ensemble/core';
import * as z from 'zod';
import { copyAccount, sameAccount } from './account-state.ts';
import { announced, applyDueActions, hasDueActions } from './corporate-actions.ts';
import { createFaultState, type SimFaults, type SimOperation } from './faults.ts';
import { type FeeModel, zeroFees } from './fees.ts';
import {
  acceptOrder,
  closeOrder,
  expireDayOrders,
  fillOrder,
  hasExpiredDayOrders,
  isOpen,
  toBrokerOrder,
} from './orders.ts';
import type { FillPriceSource, PricePoint } from './prices.ts';
import type { SimAccountState, SimBrokerStore, SimOrderRecord } from './types.ts';

/** Options of {@link createSimBroker}. */
export interface SimBrokerOptions {
  /** Where the account lives (in memory, or the DynamoDB table of the local run). */
  readonly store: SimBrokerStore;
  /** Fill prices: the close of the as-of session (see `closePricesFrom`). */
  readonly prices: FillPriceSource;
  /** "Now" at the broker. The local run sets it to the trading day at 15:45 New York. */
  readonly clock: () => Date;
  /** Cash of a new account; ignored once the account exists. @default '100000' */
  readonly startingCash?: string;
  /** Slippage against the trader, in basis points of the close (buys pay more, sells get less). @default 0 */
  readonly slippageBps?: number;
  /** Fees per fill. @default zeroFees */
  readonly fees?: FeeModel;
  /** Symbols that trade in whole shares only (no fractional qty, no notional). @default [] */
  readonly nonFractionable?: readonly string[];
  /** Fill behaviour of every order, unless a fault knob overrides it. @default { delayPolls: 0, partialFraction: '1' } */
  readonly fills?: { readonly delayPolls?: number; readonly partialFraction?: string };
  /** Broker order ids. @default crypto.randomUUID */
  readonly newOrderId?: () => string;
  /**
   * Corporate actions to simulate (splits, cash dividends): applied to the account on their ex-date and
   * announced by `getCorporateActions`. The price source must quote split-adjusted prices from a split's
   * ex-date on. @default []
   */
  readonly corporateActions?: readonly CorporateActionInput[];
}

/** The simulated broker: the port plus test knobs and a lookup by broker id. */
export interface SimBroker extends Broker {
  readonly kind: 'sim';
  /** Fault, partial-fill and delayed-fill knobs (see `./faults.ts`). */
  readonly faults: SimFaults;
  /** The order with this broker id, or null when there is none. */
  getOrder(orderId: string): Promise<BrokerOrder | null>;
}

/** Default cash of a new simulated account. */
export const DEFAULT_STARTING_CASH = '100000';

const MAX_ATTEMPTS = 50;

/** Settled orders a write lets accumulate in the account before it archives them (in one batch). */
const ARCHIVE_BATCH = 8;

const SubmitRequest = z
  .object({
    clientOrderId: z.string().min(1).max(128),
    symbol: z.string().regex(/^[A-Z][A-Z0-9./-]{0,15}$/, 'expected an upper-case ticker'),
    side: z.enum(['buy', 'sell']),
    qty: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'expected a decimal string')
      .optional(),
    notional: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'expected a decimal string')
      .optional(),
    type: z.literal('market'),
    timeInForce: z.literal('day'),
  })
  .refine((r) => (r.qty === undefined) !== (r.notional === undefined), 'exactly one of qty and notional');

/** What a read of an order still `accepted` answers: the lookup must go through a write. */
const ACCEPTED = Symbol('accepted');

const isDecimal = (s: string) => /^\d+(\.\d+)?$/.test(s);

/** Creates a simulated broker on `options.store` (the account is created on first use). */
export const createSimBroker = (options: SimBrokerOptions): SimBroker => {
  const { store, prices, clock } = options;
  const startingCash = options.startingCash ?? DEFAULT_STARTING_CASH;
  if (!isDecimal(startingCash))
    throw new RangeError(`startingCash must be a decimal string: ${startingCash}`);
  const slippage = new D(options.slippageBps ?? 0).div(10_000);
  if (slippage.isNeg() || !slippage.lt(1))
    throw new RangeError(`slippageBps out of range: ${options.slippageBps}`);
  const fees = options.fees ?? zeroFees;
  const nonFractionable = new Set(options.nonFractionable ?? []);
  const defaults = {
    polls: options.fills?.delayPolls ?? 0,
    fraction: options.fills?.partialFraction ?? '1',
  };
  const newOrderId = options.newOrderId ?? randomUUID;
  const faults = createFaultState();
  const actions = (options.corporateActions ?? []).map((a) => CorporateAction.parse(a));

  /** Runs one port operation: injected faults first; storage failures become `BrokerUnavailable`. */
  const op = async <T>(name: SimOperation, body: () => Promise<T>): Promise<T> => {
    faults.beforeCall(name);
    try {
      return await body();
    } catch (e) {
      if (e instanceof EnsembleError) throw e;
      throw new BrokerUnavailableError(name, `simulated broker failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
  };

  const load = async () => {
    const found = await store.loadAccount();
    if (found) return found;
    await store.createAccount({
      cash: str(cents(dec(startingCash))),
      positions: {},
      orders: {},
      createdAt: clock().toISOString(),
    });
    const created = await store.loadAccount();
    if (!created) throw new Error('account missing right after creation');
    return created;
  };

  /**
   * Loads the account, expires day orders past their close, lets `change` mutate the state and, if anything
   * changed, writes it back conditioned on the version read (retried from scratch on a conflict). Once
   * {@link ARCHIVE_BATCH} orders have settled, the write also drops the orders earlier writes left terminal,
   * archived (in one batch) just before it: their terminal state is already committed, so a crash or a lost
   * race leaves them archived and still in the account (found by either lookup), never lost. A call that
   * changes nothing writes nothing, and archives nothing.
   */
  const transact = async <T>(change: (state: SimAccountState, now: Date) => Promise<T> | T): Promise<T> => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const snapshot = await load();
      const settled = Object.values(snapshot.state.orders).filter((o) => !isOpen(o));
      // The store hands out a copy of its own (SimBrokerStore.loadAccount): changed here in place. Settled
      // orders are terminal, and no change touches a terminal order, so `settled` stays as read.
      const { state } = snapshot;
      const now = clock();
      const before = snapshot.pristine ?? copyAccount(state);
      expireDayOrders(state, now);
      if (actions.length > 0) applyDueActions(state, actions, toNewYork(now).date, nonFractionable);
      const result = await change(state, now);
      if (sameAccount(state, before)) return result;
      if (settled.length >= ARCHIVE_BATCH) {
        await store.archiveOrders(settled);
        for (const order of settled) delete state.orders[order.clientOrderId];
      }
      if (await store.replaceAccount(state, snapshot.version)) return result;
    }
    throw new BrokerUnavailableError('transact', `account contended: ${MAX_ATTEMPTS} conflicting writes`);
  };

  /**
   * A read: `look` at the account as {@link transact} would leave it, when that changes nothing (no day order
   * to expire, no corporate action due) and the store keeps the account as a live object — the stored
   * state itself, without a copy or a comparison; otherwise through `transact`. `look` never changes it.
   */
  const read = async <T>(look: (state: SimAccountState, now: Date) => T): Promise<T> => {
    const kept = store.peekAccount ? await store.peekAccount() : null;
    const now = clock();
    const due =
      kept === null ||
      hasExpiredDayOrders(kept.state, now) ||
      (actions.length > 0 && hasDueActions(kept.state, actions, toNewYork(now).date));
    return due ? transact(look) : look(kept.state, now);
  };

  /** The fill price of `symbol` in `session`, or null when it has no close for that session. */
  const fillPrice = async (symbol: string, side: 'buy' | 'sell', session: string): Promise<string | null> => {
    const close = await prices.lastClose(symbol, session);
    if (!close || close.date !== session) return null;
    const c = dec(close.price);
    if (!c.isFinite() || !c.gt(0)) return null;
    return str(quotePrice(side === 'buy' ? c.times(slippage.plus(1)) : c.times(new D(1).minus(slippage))));
  };

  /** Fills an accepted order whose delay has run out (no-op otherwise). */
  const fillIfDue = async (state: SimAccountState, order: SimOrderRecord, now: Date): Promise<void> => {
    if (order.status !== 'accepted' || order.pollsBeforeFill > 0) return;
    const price = await fillPrice(order.symbol, order.side, order.session);
    if (price === null) {
      closeOrder(order, 'canceled', `no price for ${order.symbol} on ${order.session}`, now.toISOString());
      return;
    }
    fillOrder(state, order.clientOrderId, price, !nonFractionable.has(order.symbol), fees, now.toISOString());
  };

  /** The quoted mark of each close read (a price source that keeps its closes hands out the same ones). */
  const quoted = new WeakMap<PricePoint, D>();
  const markOf = (close: PricePoint): D => {
    let mark = quoted.get(close);
    if (mark === undefined) quoted.set(close, (mark = quotePrice(dec(close.price))));
    return mark;
  };
  /**
   * The market value of `qty` shares at a close, by close and quantity (most reads of a session find the
   * positions as the previous read did).
   */
  const valueAt = rememberedFor((close: PricePoint, qty: string): D => cents(dec(qty).times(markOf(close))));
  /** A position's average price (cost basis ÷ qty), by the two (a position changes only when it trades). */
  const averageByKey = remembered((key: string) => {
    const [costBasis = '0', qty = '0'] = key.split('/');
    return dec(costBasis).div(qty);
  }, 10_000);
  const averageOf = (p: { qty: string; costBasis: string }): D => averageByKey(`${p.costBasis}/${p.qty}`);

  /**
   * Each held symbol's market value at its last close on or before the current session, quoted (at the
   * average price when it has none).
   */
  const markPositions = async (state: SimAccountState, now: Date) => {
    const asOf = sessionOnOrBefore(toNewYork(now).date);
    const out: { symbol: string; qty: string; costBasis: string; marketValue: D }[] = [];
    for (const symbol of Object.keys(state.positions).sort()) {
      const p = state.positions[symbol];
      if (!p) continue;
      const close = await prices.lastClose(symbol, asOf);
      // Marked at the price the broker would fill at (cents at or above $1, four decimals below), as books are.
      const marketValue = close ? valueAt(close, p.qty) : cents(dec(p.qty).times(averageOf(p)));
      out.push({ symbol, qty: p.qty, costBasis: p.costBasis, marketValue });
    }
    return out;
  };

  /** The positions as the broker reports them (see {@link markPositions}). */
  const valuePositions = async (state: SimAccountState, now: Date): Promise<BrokerPosition[]> =>
    (await markPositions(state, now)).map((p) => ({
      symbol: p.symbol,
      qty: p.qty,
      avgEntryPrice: str(averageOf(p).toDecimalPlaces(4)),
      marketValue: str(p.marketValue),
    }));

  const broker: SimBroker = {
    kind: 'sim',
    faults,

    getAccount: () =>
      op('getAccount', async () => {
        const { state, now } = await read((state, now) => ({ state, now }));
        const positions = await markPositions(state, now);
        const cash = dec(state.cash);
        const held = Object.values(state.orders)
          .filter(isOpen)
          .reduce((s, o) => s.plus(o.reservedCash), ZERO);
        const equity = positions.reduce((s, p) => s.plus(p.marketValue), cash);
        return {
          equity: str(equity),
          cash: str(cash),
          buyingPower: str(D.max(ZERO, cash.minus(held))),
          tradingBlocked: false,
        } satisfies BrokerAccount;
      }),

    listPositions: () =>
      op('listPositions', async () => {
        const { state, now } = await read((state, now) => ({ state, now }));
        return valuePositions(state, now);
      }),

    submitOrder: (request: SubmitOrderRequest) =>
      op('submitOrder', async () => {
        const parsed = SubmitRequest.safeParse(request);
        const cid = typeof request?.clientOrderId === 'string' ? request.clientOrderId : '?';
        if (!parsed.success)
          throw new OrderRejectedError(cid, parsed.error.issues.map((i) => i.message).join('; '));
        const req = parsed.data;
        const moment = marketMomentAt(clock());
        const price = moment.session ? await fillPrice(req.symbol, req.side, moment.session.date) : null;
        const plan = faults.fillPlan(req.symbol, defaults);
        const id = newOrderId();
        const order = await transact(async (state, now) => {
          if (state.orders[req.clientOrderId] || (await store.getArchivedOrder(req.clientOrderId))) {
            throw new DuplicateClientOrderIdError(req.clientOrderId);
          }
          const at = marketMomentAt(now);
          if (!at.isOpen || !at.session) {
            throw new MarketClosedError(
              at.session
                ? `${now.toISOString()} is outside the ${at.date} session (${at.session.open}–${at.session.close} New York)`
                : `${at.date} is not a trading day`,
            );
          }
          if (at.session.date !== moment.session?.date || price === null) {
            throw new OrderRejectedError(
              req.clientOrderId,
              `${req.symbol} is not tradable on ${at.session.date}`,
            );
          }
          const record = acceptOrder(
            state,
            {
              id,
              clientOrderId: req.clientOrderId,
              symbol: req.symbol,
              side: req.side,
              ...(req.qty === undefined ? {} : { qty: req.qty }),
              ...(req.notional === undefined ? {} : { notional: req.notional }),
              session: at.session.date,
              price,
              fractionable: !nonFractionable.has(req.symbol),
              polls: plan.polls,
              fraction: plan.fraction,
              now: now.toISOString(),
            },
            fees,
          );
          state.orders[record.clientOrderId] = record;
          await fillIfDue(state, record, now);
          return toBrokerOrder(record);
        });
        plan.consume();
        if (faults.takeCrashAfterAccept()) {
          throw new BrokerUnavailableError(
            'submitOrder',
            'connection lost after the order was accepted (injected)',
          );
        }
        return order;
      }),

    getOrderByClientId: (clientOrderId: string) =>
      op('getOrderByClientId', async () => {
        // An order still `accepted` may fill (or count down a delay) on this lookup: that is a write.
        const seen = await read((state) => {
          const order = state.orders[clientOrderId];
          return order === undefined || order.status !== 'accepted'
            ? order && toBrokerOrder(order)
            : ACCEPTED;
        });
        const found =
          seen !== ACCEPTED
            ? seen
            : await transact(async (state, now) => {
                const order = state.orders[clientOrderId];
                if (!order) return undefined;
                if (order.status === 'accepted' && order.pollsBeforeFill > 0) order.pollsBeforeFill -= 1;
                else await fillIfDue(state, order, now);
                return toBrokerOrder(order);
              });
        if (found) return found;
        const archived = await store.getArchivedOrder(clientOrderId);
        return archived ? toBrokerOrder(archived) : null;
      }),

    getOrder: (orderId: string) =>
      op('getOrderByClientId', async () => {
        const open = await read((state) => {
          const order = Object.values(state.orders).find((o) => o.id === orderId);
          return order && toBrokerOrder(order);
        });
        if (open) return open;
        const cid = await store.clientIdOfArchived(orderId);
        const archived = cid === null ? null : await store.getArchivedOrder(cid);
        return archived ? toBrokerOrder(archived) : null;
      }),

    listOpenOrders: () =>
      op('listOpenOrders', async () =>
        read((state) =>
          Object.values(state.orders)
            .filter(isOpen)
            .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id))
            .map(toBrokerOrder),
        ),
      ),

    cancelOrder: (orderId: string) =>
      op('cancelOrder', async () => {
        const known = await transact((state, now) => {
          const order = Object.values(state.orders).find((o) => o.id === orderId);
          if (order) closeOrder(order, 'canceled', 'canceled by the client', now.toISOString());
          return order !== undefined;
        });
        if (known || (await store.clientIdOfArchived(orderId)) !== null) return;
        throw new OrderRejectedError(orderId, `no order with id ${orderId}`);
      }),

    getClock: () => op('getClock', async (): Promise<MarketClock> => marketClockAt(clock())),

    getCalendar: (range: { from: string; to: string }) =>
      op('getCalendar', async (): Promise<CalendarDay[]> => sessionsBetween(range.from, range.to)),

    getCorporateActions: (query: CorporateActionQuery) =>
      op('getCorporateActions', async () => announced(actions, query)),

    getAssets: (symbols: readonly string[]) =>
      op('getAssets', async () => {
        const asOf = sessionOnOrBefore(toNewYork(clock()).date);
        const out = new Map<string, AssetFacts>();
        for (const symbol of symbols) {
          const close = await prices.lastClose(symbol, asOf);
          if (!close) continue;
          out.set(symbol, { tradable: close.date === asOf, fractionable: !nonFractionable.has(symbol) });
        }
        return out;
      }),
  };
  return broker;
};
