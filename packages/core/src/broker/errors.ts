/**
 * Broker errors, classified once: retryable ones (`BrokerUnavailable`, `RateLimited`, `SymbolBusy`) are
 * retried by the workflow's Retry policies; the others end the branch with an outcome that says why.
 * Names are the stable strings Step Functions `ErrorEquals` match.
 */
import { EnsembleError, ErrorNames } from '../errors.ts';

/** Network failure, timeout or 5xx: nothing is known to have happened; retry (ids make it safe). */
export class BrokerUnavailableError extends EnsembleError {
  override readonly name = ErrorNames.BrokerUnavailable;
  /** HTTP status, when there was a response. */
  readonly status: number | undefined;
  constructor(
    readonly operation: string,
    detail: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(`broker ${operation} failed: ${detail}`, options);
    this.status = options?.status;
  }
}

/** 429: the broker asks us to slow down; `retryAfterMs` says for how long when it says. */
export class RateLimitedError extends EnsembleError {
  override readonly name = ErrorNames.RateLimited;
  constructor(
    readonly operation: string,
    readonly retryAfterMs: number | null,
  ) {
    super(
      `broker ${operation} rate limited${retryAfterMs === null ? '' : `; retry after ${retryAfterMs} ms`}`,
    );
  }
}

/** Another order on the same symbol is open (Alpaca's wash-trade rule, or our symbol lease): retry later. */
export class SymbolBusyError extends EnsembleError {
  override readonly name = ErrorNames.SymbolBusy;
  constructor(
    readonly symbol: string,
    detail: string,
  ) {
    super(`${symbol} is busy: ${detail}`);
  }
}

/** The client order id was used before; the caller adopts the existing order instead of placing another. */
export class DuplicateClientOrderIdError extends EnsembleError {
  override readonly name = ErrorNames.DuplicateClientOrderId;
  constructor(readonly clientOrderId: string) {
    super(`client order id ${clientOrderId} already exists at the broker`);
  }
}

/** Not enough buying power for the order: terminal for this order; the outcome says so. */
export class InsufficientBuyingPowerError extends EnsembleError {
  override readonly name = ErrorNames.InsufficientBuyingPower;
  constructor(
    readonly clientOrderId: string,
    detail: string,
  ) {
    super(`insufficient buying power for ${clientOrderId}: ${detail}`);
  }
}

/** The market is closed (weekend, holiday, after the close) or the calendar is unknown: never assume open. */
export class MarketClosedError extends EnsembleError {
  override readonly name = ErrorNames.MarketClosed;
  constructor(detail: string) {
    super(`market closed: ${detail}`);
  }
}

/** The broker refused the order for another stated reason (not tradable, below minimum, bad qty...). */
export class OrderRejectedError extends EnsembleError {
  override readonly name = ErrorNames.OrderRejected;
  constructor(
    readonly clientOrderId: string,
    readonly reason: string,
  ) {
    super(`order ${clientOrderId} rejected: ${reason}`);
  }
}
