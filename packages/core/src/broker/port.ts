/**
 * The Broker port: everything Ensemble asks of a broker account. Implemented by `SimBroker`
 * (`@ensemble/broker`, the embedded default) and `AlpacaBroker` (`@ensemble/alpaca`). Money and quantities
 * are decimal strings at this boundary, never `number`. Failures are the typed errors of `./errors.ts`.
 */

import type { CorporateAction } from '../books/corporate-actions.ts';
import type { DecimalString } from '../decimal.ts';
import type { AssetFacts } from '../planner/types.ts';

/** Buy or sell. */
export type BrokerSide = 'buy' | 'sell';

/** The account as a whole. */
export interface BrokerAccount {
  /** Cash + market value of all positions. */
  readonly equity: DecimalString;
  readonly cash: DecimalString;
  readonly buyingPower: DecimalString;
  /** Trading blocked by the broker (Alpaca `trading_blocked`/`account_blocked`). */
  readonly tradingBlocked: boolean;
}

/** One position of the account (the sum over all books). */
export interface BrokerPosition {
  readonly symbol: string;
  /** Shares, > 0 (no shorting). */
  readonly qty: DecimalString;
  readonly avgEntryPrice: DecimalString;
  readonly marketValue: DecimalString;
}

/** A market day order, by share quantity or by notional (exactly one of the two). */
export interface SubmitOrderRequest {
  /** Deterministic, ≤ 128 characters, unique forever at the broker. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: BrokerSide;
  readonly qty?: DecimalString;
  readonly notional?: DecimalString;
  readonly type: 'market';
  readonly timeInForce: 'day';
}

/** Order status, normalized across brokers (Alpaca's `new`/`pending_new` → `accepted`, `done_for_day` → `expired`). */
export type BrokerOrderStatus =
  | 'accepted'
  | 'partially_filled'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'expired';

/** Statuses after which an order never changes again. */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<BrokerOrderStatus> = new Set([
  'filled',
  'canceled',
  'rejected',
  'expired',
]);

/** An order as the broker sees it. `filledQty`/`filledAvgPrice` are cumulative over all its fills. */
export interface BrokerOrder {
  /** The broker's own id. */
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: BrokerSide;
  readonly qty?: DecimalString;
  readonly notional?: DecimalString;
  readonly status: BrokerOrderStatus;
  /** Cumulative filled shares ("0" before any fill). */
  readonly filledQty: DecimalString;
  /** Volume-weighted average fill price; null before any fill. */
  readonly filledAvgPrice: DecimalString | null;
  /** Cumulative fees charged on this order ("0" when none). */
  readonly fees: DecimalString;
  readonly submittedAt: string;
  readonly updatedAt: string;
  /** Why the broker rejected or canceled it, when it says. */
  readonly reason?: string;
}

/** The market clock now. */
export interface MarketClock {
  /** ISO timestamp of "now" at the broker. */
  readonly timestamp: string;
  readonly isOpen: boolean;
  readonly nextOpen: string;
  readonly nextClose: string;
}

/** One trading session of the calendar. Times are America/New_York wall-clock `HH:MM`. */
export interface CalendarDay {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly open: string;
  /** `16:00`, or `13:00` on an early close. */
  readonly close: string;
}

/** The port. */
export interface Broker {
  /** Which implementation this is (`sim`, `alpaca-paper`, `alpaca-live`), for reports and guards. */
  readonly kind: string;
  getAccount(): Promise<BrokerAccount>;
  listPositions(): Promise<BrokerPosition[]>;
  /**
   * Submit a market day order. Throws `DuplicateClientOrderId` when the id was ever used (the caller adopts
   * the existing order), `SymbolBusy` on a potential wash trade, `InsufficientBuyingPower`, `MarketClosed`,
   * `OrderRejected`, or a retryable `BrokerUnavailable`/`RateLimited`.
   */
  submitOrder(request: SubmitOrderRequest): Promise<BrokerOrder>;
  /** The order with this client order id, or null if the broker never saw it. */
  getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | null>;
  /** Orders not yet terminal. */
  listOpenOrders(): Promise<BrokerOrder[]>;
  /** Request cancellation of an open order (by broker id); a no-op for a terminal order. */
  cancelOrder(orderId: string): Promise<void>;
  getClock(): Promise<MarketClock>;
  /** Sessions between two dates, inclusive (`YYYY-MM-DD`). */
  getCalendar(range: { from: string; to: string }): Promise<CalendarDay[]>;
  /** Facts of each symbol; unknown symbols are absent from the map. */
  getAssets(symbols: readonly string[]): Promise<Map<string, AssetFacts>>;
  /**
   * Announced corporate actions (splits, cash dividends) of `symbols` with an ex-date in `[from, to]`
   * (`YYYY-MM-DD`), sorted by ex-date then symbol. Optional: without it (or for an action it does not announce)
   * a split is inferred from the account's position against the books, confirmed by the price.
   */
  getCorporateActions?(query: CorporateActionQuery): Promise<CorporateAction[]>;
}

/** What {@link Broker.getCorporateActions} is asked. */
export interface CorporateActionQuery {
  readonly symbols: readonly string[];
  readonly from: string;
  readonly to: string;
}
