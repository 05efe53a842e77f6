/**
 * The fake server's side of the wire: the Broker port's values written as Alpaca's documented JSON (the
 * trading API v2 objects), and Alpaca's error bodies `{ code, message }`. Fields Alpaca has dropped (the
 * pattern-day-trader fields) are left out, as Alpaca does now.
 */
import { createHash } from 'node:crypto';
import type {
  AssetFacts,
  BrokerAccount,
  BrokerOrder,
  BrokerOrderStatus,
  BrokerPosition,
  CalendarDay,
  CorporateAction,
  MarketClock,
} from '@ensemble/core';
import { Decimal } from 'decimal.js';
import { toAlpacaSymbol } from '../parse.ts';

/** Alpaca's error codes used by the fake. */
export const ErrorCodes = {
  badRequest: 40010001,
  unauthorized: 40110000,
  forbidden: 40310000,
  notFound: 40410000,
  rateLimited: 42910000,
  internal: 50010000,
} as const;

/** An Alpaca error body. */
export interface AlpacaErrorBody {
  readonly code: number;
  readonly message: string;
  readonly [extra: string]: unknown;
}

/** A stable UUID-shaped id for a symbol's asset. */
export const assetId = (symbol: string): string => {
  const h = createHash('sha1').update(`asset:${symbol}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

const fixed = (d: Decimal): string => (d.isZero() ? '0' : d.toFixed());

export const accountJson = (a: BrokerAccount, createdAt: string) => {
  const long = fixed(new Decimal(a.equity).minus(a.cash));
  return {
    id: 'f4ce0000-0000-4000-8000-000000000001',
    account_number: 'PAFAKE0001',
    status: 'ACTIVE',
    crypto_status: 'INACTIVE',
    currency: 'USD',
    cash: a.cash,
    buying_power: a.buyingPower,
    regt_buying_power: a.buyingPower,
    non_marginable_buying_power: a.buyingPower,
    options_buying_power: '0',
    equity: a.equity,
    last_equity: a.equity,
    portfolio_value: a.equity,
    long_market_value: long,
    short_market_value: '0',
    initial_margin: '0',
    maintenance_margin: '0',
    last_maintenance_margin: '0',
    sma: '0',
    multiplier: '1',
    accrued_fees: '0',
    pending_transfer_in: '0',
    trading_blocked: a.tradingBlocked,
    transfers_blocked: false,
    account_blocked: false,
    trade_suspended_by_user: false,
    shorting_enabled: false,
    options_approved_level: 0,
    options_trading_level: 0,
    created_at: createdAt,
  };
};

export const positionJson = (p: BrokerPosition) => {
  const qty = new Decimal(p.qty);
  const cost = qty.times(p.avgEntryPrice);
  const value = new Decimal(p.marketValue);
  const price = qty.isZero() ? new Decimal(0) : value.div(qty);
  return {
    asset_id: assetId(p.symbol),
    symbol: toAlpacaSymbol(p.symbol),
    exchange: 'ARCA',
    asset_class: 'us_equity',
    asset_marginable: false,
    qty: p.qty,
    qty_available: p.qty,
    avg_entry_price: p.avgEntryPrice,
    side: 'long',
    market_value: p.marketValue,
    cost_basis: fixed(cost.toDecimalPlaces(2)),
    unrealized_pl: fixed(value.minus(cost).toDecimalPlaces(2)),
    unrealized_plpc: cost.isZero() ? '0' : fixed(value.minus(cost).div(cost).toDecimalPlaces(6)),
    unrealized_intraday_pl: '0',
    unrealized_intraday_plpc: '0',
    current_price: fixed(price.toDecimalPlaces(4)),
    lastday_price: fixed(price.toDecimalPlaces(4)),
    change_today: '0',
  };
};

const ALPACA_STATUS: Record<BrokerOrderStatus, string> = {
  accepted: 'new',
  partially_filled: 'partially_filled',
  filled: 'filled',
  canceled: 'canceled',
  rejected: 'rejected',
  expired: 'expired',
};

export const orderJson = (o: BrokerOrder) => {
  const terminalAt = (s: BrokerOrderStatus) => (o.status === s ? o.updatedAt : null);
  return {
    id: o.id,
    client_order_id: o.clientOrderId,
    created_at: o.submittedAt,
    updated_at: o.updatedAt,
    submitted_at: o.submittedAt,
    filled_at: terminalAt('filled'),
    expired_at: terminalAt('expired'),
    canceled_at: terminalAt('canceled'),
    failed_at: terminalAt('rejected'),
    replaced_at: null,
    replaced_by: null,
    replaces: null,
    asset_id: assetId(o.symbol),
    symbol: toAlpacaSymbol(o.symbol),
    asset_class: 'us_equity',
    notional: o.notional ?? null,
    qty: o.qty ?? null,
    filled_qty: o.filledQty,
    filled_avg_price: o.filledAvgPrice,
    order_class: '',
    order_type: 'market',
    type: 'market',
    side: o.side,
    position_intent: o.side === 'buy' ? 'buy_to_open' : 'sell_to_close',
    time_in_force: 'day',
    limit_price: null,
    stop_price: null,
    status: ALPACA_STATUS[o.status],
    extended_hours: false,
    legs: null,
    trail_percent: null,
    trail_price: null,
    hwm: null,
    // Alpaca's broker API field; the trading API is commission-free. Carries the SimBroker's fees.
    commission: o.fees,
  };
};

export const clockJson = (c: MarketClock) => ({
  timestamp: c.timestamp,
  is_open: c.isOpen,
  next_open: c.nextOpen,
  next_close: c.nextClose,
});

export const calendarJson = (days: readonly CalendarDay[]) =>
  days.map((d, i) => ({
    date: d.date,
    open: d.open,
    close: d.close,
    session_open: '0400',
    session_close: '2000',
    settlement_date: days[i + 1]?.date ?? d.date,
  }));

export const assetJson = (symbol: string, facts: AssetFacts) => ({
  id: assetId(symbol),
  class: 'us_equity',
  exchange: 'ARCA',
  symbol: toAlpacaSymbol(symbol),
  name: symbol,
  status: 'active',
  tradable: facts.tradable,
  marginable: false,
  maintenance_margin_requirement: 100,
  shortable: false,
  easy_to_borrow: false,
  fractionable: facts.fractionable,
  attributes: [],
});

/** Corporate actions as one page of the market-data API's `GET /v1/corporate-actions`. */
export const corporateActionsJson = (actions: readonly CorporateAction[]) => {
  const split = (a: Extract<CorporateAction, { kind: 'split' }>) => ({
    id: randomId(`split:${a.symbol}:${a.exDate}`),
    symbol: toAlpacaSymbol(a.symbol),
    new_rate: Number(a.newRate),
    old_rate: Number(a.oldRate),
    process_date: a.exDate,
    ex_date: a.exDate,
    record_date: a.exDate,
    payable_date: a.exDate,
  });
  const splits = actions.filter((a) => a.kind === 'split');
  return {
    corporate_actions: {
      forward_splits: splits.filter((a) => Number(a.newRate) > Number(a.oldRate)).map(split),
      reverse_splits: splits.filter((a) => Number(a.newRate) < Number(a.oldRate)).map(split),
      cash_dividends: actions
        .filter((a) => a.kind === 'dividend')
        .map((a) => ({
          id: randomId(`dividend:${a.symbol}:${a.exDate}`),
          symbol: toAlpacaSymbol(a.symbol),
          rate: Number(a.rate),
          special: false,
          foreign: false,
          process_date: a.exDate,
          ex_date: a.exDate,
          record_date: a.exDate,
          payable_date: a.payableDate ?? a.exDate,
        })),
    },
    next_page_token: null,
  };
};

/** A stable UUID-shaped id derived from `seed` (Alpaca's action ids are UUIDs). */
const randomId = (seed: string): string => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
