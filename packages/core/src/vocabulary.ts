/**
 * The words every package shares, defined once: how a strategy is traded (`Flow`), what a strategy did in a
 * run (`Outcome`), the side of an order (`Side`), a run's and an order's lifecycle (`RunStatus`,
 * `OrderStatus`), a trading day and a timestamp. Each is a zod schema with its inferred type, so a boundary
 * parses with the same definition the code types with.
 */
import * as z from 'zod';
import { isIsoDate } from './calendar/dates.ts';

/** How a strategy is traded: on its own book, or merged into the pool. */
export const Flow = z.enum(['per-book', 'aggregated']);
export type Flow = z.infer<typeof Flow>;
/** Every flow, in a stable order. */
export const FLOWS = Flow.options;

/** What one strategy did in one run. BLOCKED: its inputs were unfit to trade on; FAILED: something broke. */
export const Outcome = z.enum(['TRADED', 'ALL_HOLD', 'FAILED', 'BLOCKED', 'SKIPPED']);
export type Outcome = z.infer<typeof Outcome>;

/** Buy or sell. */
export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;

/** Lifecycle of a run. */
export const RunStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'BLOCKED', 'ABORTED']);
export type RunStatus = z.infer<typeof RunStatus>;

/** Lifecycle of an order in the ledger, from the ledger's intent to the broker's final word. */
export const OrderStatus = z.enum([
  'INTENT',
  'SUBMITTED',
  'ACCEPTED',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'REJECTED',
  'EXPIRED',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** A calendar date written `YYYY-MM-DD` (a real date: `2025-02-30` is refused). */
export const TradingDay = z.string().refine(isIsoDate, 'expected a date YYYY-MM-DD');
export type TradingDay = z.infer<typeof TradingDay>;

/** An ISO-8601 timestamp. */
export const Timestamp = z.string().min(1);
export type Timestamp = z.infer<typeof Timestamp>;
