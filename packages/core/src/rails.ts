/**
 * The safety rails' settings, and the rails' names. A zod schema in core so the configuration
 * (`@ensemble/config`) validates the `rails` block with the same definition execution enforces, without
 * depending on execution.
 */
import * as z from 'zod';
import { DecimalString } from './decimal.ts';

const PositiveDecimal = DecimalString.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), 'expected > 0');

/** What execution does with a plan line over the per-order cap (`maxOrderBookFraction`, `maxOrderNotional`). */
export const OversizedOrders = z.enum(['split', 'block']);
export type OversizedOrders = z.infer<typeof OversizedOrders>;

/**
 * The safety rails' settings. Every rail is on; limits are explicit numbers, never "unlimited". The per-order
 * and daily limits scale with what they guard (a multiple of the book's NAV, of the books' value), so one
 * default fits a 10 000 book and a 1 000 000 pool alike; an absolute cap can be added on top of each.
 */
export const RailSettings = z
  .object({
    /**
     * Largest notional (qty × as-of price) of one order, as a multiple of its book's NAV at the as-of prices
     * when the plan was made: an order worth more than its whole book is a fat finger. @default "1"
     */
    maxOrderBookFraction: PositiveDecimal.default('1'),
    /** Optional absolute cap (USD) on one order's notional, on top of `maxOrderBookFraction`. */
    maxOrderNotional: PositiveDecimal.optional(),
    /**
     * A line over the per-order cap (the lower of `maxOrderBookFraction` × NAV and `maxOrderNotional`): `split`
     * places it as child orders, each within the cap (legs 1, 2, … of the same deterministic client order id
     * scheme); `block` stops the whole plan (BLOCKED, which alarms). @default "split"
     */
    oversizedOrders: OversizedOrders.default('split'),
    /**
     * Largest notional a book may trade in one trading day, as a multiple of its NAV at the as-of prices: a
     * full rotation (sell everything, buy new) is 2. @default "2.5"
     */
    maxDailyTurnoverPerBook: PositiveDecimal.default('2.5'),
    /** Largest notional the account may trade in one trading day, as a multiple of the books' value at the run's start. @default "2.5" */
    maxDailyTurnoverPerAccount: PositiveDecimal.default('2.5'),
    /** Optional absolute cap (USD) on a book's daily notional, on top of `maxDailyTurnoverPerBook`. */
    maxDailyNotionalPerBook: PositiveDecimal.optional(),
    /** Optional absolute cap (USD) on the account's daily notional, on top of `maxDailyTurnoverPerAccount`. */
    maxDailyNotionalPerAccount: PositiveDecimal.optional(),
    /** Halt buys when the books' value fell more than this percentage since the last NAV. @default "15" */
    maxEquityDropPct: PositiveDecimal.default('15'),
    /** How far back (calendar days) the equity breaker looks for the last NAV. @default 14 */
    equityLookbackDays: z.number().int().min(1).max(366).default(14),
    /** Buys are sized against the book's cash less this margin (basis points) for slippage and fees. @default 50 */
    buyCashBufferBps: z.number().int().min(0).max(5000).default(50),
    /** Lifetime of a symbol lease; renewed before each order. @default 300 */
    leaseTtlSeconds: z.number().int().min(5).max(3600).default(300),
    /**
     * How long an order waits for a symbol another book holds before `SymbolBusy` (retried by the state
     * machine). Books trading the same symbol then queue inside Execute instead of spending retries.
     * @default 15000
     */
    leaseWaitMs: z.number().int().min(0).max(120_000).default(15_000),
    /** How long to wait for the broker to confirm a cancel before giving up (retryably). @default 30000 */
    cancelGraceMs: z.number().int().min(0).default(30_000),
    /**
     * Price sanity (the market data, for every path): a symbol whose close on the trading day moved more
     * than this many times its recent average daily range (|ln(close / previous close)| against the average
     * true range, taken as at least 1 %) is unfit to trade on, and the strategies reading it are BLOCKED.
     * 50 never trips on the bundled 2018–2025 bars but one day (an illiquid stock doubling), and catches a
     * price off by a factor of 10 on anything but the wildest symbols. @default 50
     */
    priceMoveMaxRanges: z.number().positive().max(10_000).default(50),
    /** Sessions the recent average daily range is measured over (at least 5 must exist). @default 20 */
    priceRangeSessions: z.number().int().min(5).max(250).default(20),
  })
  .strict();
export type RailSettings = z.infer<typeof RailSettings>;
export type RailSettingsInput = z.input<typeof RailSettings>;

/** Names of the rails, as they appear in outcomes. */
export const RailNames = [
  'kill-switch',
  'market-closed',
  'calendar-unknown',
  'price-invalid',
  'max-order-notional',
  'max-daily-notional-book',
  'max-daily-notional-account',
  'equity-drop',
  'strategy-disabled',
] as const;
export type RailName = (typeof RailNames)[number];
