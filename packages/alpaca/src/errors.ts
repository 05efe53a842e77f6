/**
 * Every failure of an Alpaca call becomes one of core's typed errors, classified once, here. Alpaca's error
 * body is `{ code, message }`; its codes are overloaded (`40310000` means insufficient buying power, a
 * potential wash trade, a minimum-notional refusal...), so the message decides, the status backs it up.
 */
import {
  BrokerUnavailableError,
  ConfigInvalidError,
  DuplicateClientOrderIdError,
  type EnsembleError,
  InsufficientBuyingPowerError,
  isEnsembleError,
  MarketClosedError,
  OrderRejectedError,
  RateLimitedError,
  SymbolBusyError,
} from '@ensemble/core';

export {
  BrokerUnavailableError,
  ConfigInvalidError,
  DuplicateClientOrderIdError,
  InsufficientBuyingPowerError,
  MarketClosedError,
  MarketDataInvalidError,
  MissingDataError,
  OrderRejectedError,
  RateLimitedError,
  SymbolBusyError,
} from '@ensemble/core';

/** What was being done when the call failed (messages and order errors name it). */
export interface CallContext {
  /** `getAccount`, `submitOrder`, `bars`... */
  readonly operation: string;
  /** Set for order submissions: order errors name the order. */
  readonly clientOrderId?: string;
  readonly symbol?: string;
}

/** The parts of the SDK's `ApiError` we read (duck-typed, so a second copy of the SDK still classifies). */
interface ApiErrorLike {
  readonly status: number;
  readonly code?: number | string;
  readonly message: string;
  readonly retryAfterMs?: number;
}

const isApiError = (e: unknown): e is ApiErrorLike =>
  e instanceof Error && typeof (e as { status?: unknown }).status === 'number';

const DUPLICATE = /client[_ ]order[_ ]id must be unique|duplicate client[_ ]order[_ ]id/i;
const WASH_TRADE = /wash trade/i;
const BUYING_POWER = /insufficient (?:day trading )?buying power|insufficient funds/i;
const MARKET_CLOSED = /market is closed|market closed/i;

/**
 * The typed error for a failed Alpaca call:
 * 429 → `RateLimited` (with the wait from `Retry-After`, else `X-RateLimit-Reset`); 5xx, 408 and network
 * failures → `BrokerUnavailable`; "client_order_id must be unique" → `DuplicateClientOrderId` (the caller
 * adopts the existing order); "potential wash trade" → `SymbolBusy`; "insufficient buying power" →
 * `InsufficientBuyingPower`; "market is closed" → `MarketClosed`; any other 4xx of an order call →
 * `OrderRejected`, and of any other call (bad credentials, no permission, SIP not in the plan) →
 * `ConfigInvalid`. Anything else (e.g. a 200 whose body does not parse) → `BrokerUnavailable`.
 */
export const toBrokerError = (e: unknown, ctx: CallContext): EnsembleError => {
  if (isEnsembleError(e)) return e;
  const op = ctx.operation;
  if (!isApiError(e)) {
    const detail =
      e instanceof Error ? `${e.name}: ${e.cause instanceof Error ? e.cause.message : e.message}` : String(e);
    return new BrokerUnavailableError(op, detail, { cause: e });
  }
  const { status } = e;
  const message = e.message || `HTTP ${status}`;
  const detail = `HTTP ${status}${e.code === undefined ? '' : ` code ${e.code}`}: ${message}`;
  if (status === 429) return new RateLimitedError(op, e.retryAfterMs ?? null);
  if (status >= 500 || status === 408) return new BrokerUnavailableError(op, detail, { cause: e, status });
  if (ctx.clientOrderId !== undefined) {
    if (DUPLICATE.test(message)) return new DuplicateClientOrderIdError(ctx.clientOrderId);
    if (WASH_TRADE.test(message)) return new SymbolBusyError(ctx.symbol ?? '?', detail);
    if (BUYING_POWER.test(message)) return new InsufficientBuyingPowerError(ctx.clientOrderId, detail);
    if (MARKET_CLOSED.test(message)) return new MarketClosedError(detail);
    return new OrderRejectedError(ctx.clientOrderId, detail);
  }
  return new ConfigInvalidError(`alpaca ${op} refused: ${detail}`);
};
