/**
 * Alpaca's JSON → the Broker port's types. Parsing is lenient where Alpaca may add or drop fields (unknown
 * fields are ignored; fields we do not use are not declared, so their removal cannot break us — Alpaca
 * dropped the pattern-day-trader fields in 2026 and strict parsers broke) and strict on every field we use:
 * money and quantities must be finite decimals (strings on the wire; numbers tolerated) and become
 * normalized decimal strings.
 */

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
import { TradingDay } from '@ensemble/core';
import { Decimal } from 'decimal.js';
import * as z from 'zod';

/** A decimal amount: a string (Alpaca's form) or a number, finite, normalized (`"100.50"` → `"100.5"`). */
const Money = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    const d = new Decimal(typeof v === 'number' ? String(v) : v.trim());
    if (d.isFinite()) return d.isZero() ? '0' : d.toFixed();
  } catch {
    // fall through to the issue below
  }
  ctx.addIssue({ code: 'custom', message: `not a decimal amount: ${JSON.stringify(v)}` });
  return z.NEVER;
});

/** Alpaca writes class shares with a dot (`BRK.B`); Ensemble with a slash (`BRK/B`), like the bar files. */
export const toAlpacaSymbol = (symbol: string): string => symbol.replaceAll('/', '.');
/** Inverse of {@link toAlpacaSymbol}. */
export const fromAlpacaSymbol = (symbol: string): string => symbol.replaceAll('.', '/');

export const WireAccount = z.object({
  equity: Money,
  cash: Money,
  buying_power: Money,
  trading_blocked: z.boolean().nullish(),
  account_blocked: z.boolean().nullish(),
});

export const toAccount = (w: z.infer<typeof WireAccount>): BrokerAccount => ({
  equity: w.equity,
  cash: w.cash,
  buyingPower: w.buying_power,
  tradingBlocked: w.trading_blocked === true || w.account_blocked === true,
});

export const WirePosition = z.object({
  symbol: z.string().min(1),
  qty: Money,
  avg_entry_price: Money,
  market_value: Money,
});

export const toPosition = (w: z.infer<typeof WirePosition>): BrokerPosition => ({
  symbol: fromAlpacaSymbol(w.symbol),
  qty: w.qty,
  avgEntryPrice: w.avg_entry_price,
  marketValue: w.market_value,
});

export const WireOrder = z.object({
  id: z.string().min(1),
  client_order_id: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  qty: Money.nullish(),
  notional: Money.nullish(),
  status: z.string().min(1),
  filled_qty: Money.nullish(),
  filled_avg_price: Money.nullish(),
  created_at: z.string().nullish(),
  submitted_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  /** Not in Alpaca's trading API (commission-free); present in its broker API and in the fake server. */
  commission: Money.nullish(),
});

/**
 * Alpaca's order statuses → the port's. An unknown status is treated as still working (never as terminal),
 * so the executor keeps polling instead of assuming an outcome.
 */
export const normalizeStatus = (status: string, filledQty: string): BrokerOrderStatus => {
  switch (status) {
    case 'filled':
      return 'filled';
    case 'partially_filled':
      return 'partially_filled';
    case 'canceled':
    case 'replaced':
      return 'canceled';
    case 'expired':
    case 'done_for_day':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      // new, pending_new, accepted, accepted_for_bidding, held, calculated, stopped, suspended,
      // pending_cancel, pending_replace, and anything Alpaca adds later.
      return new Decimal(filledQty).gt(0) ? 'partially_filled' : 'accepted';
  }
};

export const toOrder = (w: z.infer<typeof WireOrder>): BrokerOrder => {
  const filledQty = w.filled_qty ?? '0';
  const submittedAt = w.submitted_at ?? w.created_at ?? '';
  return {
    id: w.id,
    clientOrderId: w.client_order_id,
    symbol: fromAlpacaSymbol(w.symbol),
    side: w.side,
    ...(w.qty != null && { qty: w.qty }),
    ...(w.notional != null && { notional: w.notional }),
    status: normalizeStatus(w.status, filledQty),
    filledQty,
    filledAvgPrice: new Decimal(filledQty).gt(0) ? (w.filled_avg_price ?? null) : null,
    fees: w.commission ?? '0',
    submittedAt,
    updatedAt: w.updated_at ?? submittedAt,
  };
};

export const WireClock = z.object({
  timestamp: z.string().min(1),
  is_open: z.boolean(),
  next_open: z.string().min(1),
  next_close: z.string().min(1),
});

export const toClock = (w: z.infer<typeof WireClock>): MarketClock => ({
  timestamp: w.timestamp,
  isOpen: w.is_open,
  nextOpen: w.next_open,
  nextClose: w.next_close,
});

const HhMm = z.string().regex(/^\d{2}:\d{2}$/, 'expected HH:MM');

export const WireCalendarDay = z.object({
  date: TradingDay,
  open: HhMm,
  close: HhMm,
});

export const toCalendarDay = (w: z.infer<typeof WireCalendarDay>): CalendarDay => ({
  date: w.date,
  open: w.open,
  close: w.close,
});

export const WireAsset = z.object({
  symbol: z.string().min(1),
  tradable: z.boolean(),
  fractionable: z.boolean(),
});

export const toAssetFacts = (w: z.infer<typeof WireAsset>): AssetFacts => ({
  tradable: w.tradable,
  fractionable: w.fractionable,
});

/** One daily bar as Alpaca sends it (`t` is midnight New York of the session, RFC 3339). */
export const WireBar = z.object({
  t: z.string().min(1),
  c: z.number(),
  o: z.number().nullish(),
  h: z.number().nullish(),
  l: z.number().nullish(),
});
export type WireBar = z.infer<typeof WireBar>;

/** A page of `GET /v2/stocks/bars`. */
export const WireBarsPage = z.object({
  bars: z.record(z.string(), z.array(WireBar).nullable()).nullish(),
  next_page_token: z.string().nullish(),
});

/** `GET /v2/positions`, `/v2/orders`, `/v2/calendar`, `/v2/assets`: arrays of the above. */
export const WirePositions = z.array(WirePosition);
export const WireOrders = z.array(WireOrder);
export const WireCalendar = z.array(WireCalendarDay);
export const WireAssets = z.array(WireAsset);

/** A split of the market-data corporate-actions API (`forward_splits`, `reverse_splits`). */
const WireSplit = z.object({ symbol: z.string(), new_rate: Money, old_rate: Money, ex_date: TradingDay });
/** A cash dividend (`cash_dividends`). */
const WireCashDividend = z.object({
  symbol: z.string(),
  rate: Money,
  ex_date: TradingDay,
  payable_date: TradingDay.nullish(),
});

/** One page of `GET /v1/corporate-actions` (the kinds Ensemble applies; other kinds are ignored). */
export const WireCorporateActionsPage = z.object({
  corporate_actions: z.object({
    forward_splits: z.array(WireSplit).nullish(),
    reverse_splits: z.array(WireSplit).nullish(),
    cash_dividends: z.array(WireCashDividend).nullish(),
  }),
  next_page_token: z.string().nullish(),
});

/** The page's splits and cash dividends as core's corporate actions. */
export const toCorporateActions = (page: z.infer<typeof WireCorporateActionsPage>): CorporateAction[] => {
  const ca = page.corporate_actions;
  const splits = [...(ca.forward_splits ?? []), ...(ca.reverse_splits ?? [])].map(
    (w): CorporateAction => ({
      kind: 'split',
      symbol: fromAlpacaSymbol(w.symbol),
      exDate: w.ex_date,
      newRate: w.new_rate,
      oldRate: w.old_rate,
      source: 'announcement',
    }),
  );
  const dividends = (ca.cash_dividends ?? []).map(
    (w): CorporateAction => ({
      kind: 'dividend',
      symbol: fromAlpacaSymbol(w.symbol),
      exDate: w.ex_date,
      rate: w.rate,
      ...(w.payable_date ? { payableDate: w.payable_date } : {}),
    }),
  );
  return [...splits, ...dividends];
};
