/**
 * Books: the ledger's view of who owns what inside the one broker account. Every `per-book` strategy owns
 * a book; all `aggregated` strategies share the pool book. Quantities and money are decimal strings at
 * every boundary (JSON, DynamoDB) and `Decimal` inside computations; never `number`.
 */
import * as z from 'zod';
import { DecimalString } from '../decimal.ts';

/** Strategy id: a lowercase slug (`tqqq-ftlt`). */
export const StrategyId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lowercase slug');
export type StrategyId = z.infer<typeof StrategyId>;

/** A book id: `strategy#<strategyId>` for a per-book strategy, or `pool` for the aggregated pool. */
export const BookId = z.string().regex(/^(pool|strategy#[a-z0-9][a-z0-9-]{0,62})$/);
export type BookId = z.infer<typeof BookId>;

export const POOL_BOOK: BookId = 'pool';
export const bookOf = (strategyId: StrategyId): BookId => `strategy#${strategyId}`;

/** One holding of a book. */
export const Holding = z.object({
  symbol: z.string().min(1),
  /** Shares held, ≥ 0 (no shorting), up to 9 decimals. */
  qty: DecimalString,
  /** Total cost of the shares held (USD), for unrealized P&L. */
  costBasis: DecimalString,
});
export type Holding = z.infer<typeof Holding>;

/** A book's state at a point in time. */
export const BookState = z.object({
  bookId: BookId,
  cash: DecimalString,
  positions: z.array(Holding),
});
export type BookState = z.infer<typeof BookState>;
