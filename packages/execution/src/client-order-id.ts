/**
 * Deterministic client order ids. The same (trading day, stage, book, symbol, side, leg) always gives the
 * same id, so a retried or redriven step finds the order it placed before instead of placing another.
 *
 * Scheme (`_` separates fields; no field can contain `_`):
 *
 *     ens_<YYYY-MM-DD>_<stage>_<book>_<SYMBOL>_<b|s>_<leg>
 *     ens_2025-01-02_rebalance_s-tqqq-ftlt_TQQQ_b_1
 *     ens_2025-01-02_rebalance_pool_GLD_s_1
 *
 * - `book` is `pool` for the pool book and `s-<strategyId>` for a strategy's own book (a strategy could be
 *   named `pool`; the prefix keeps the two apart).
 * - `leg` numbers the orders of one (book, symbol, side) in one run, from 1.
 * - Characters are `[A-Za-z0-9._-]` only (safe for Alpaca and for log lines); the longest possible id is
 *   122 characters (stage ≤ 20, strategy id ≤ 63, symbol ≤ 12, leg ≤ 99), under Alpaca's 128.
 */
import { BookId, POOL_BOOK, TradingDay } from '@ensemble/core';
import * as z from 'zod';
import { ExecutionInputInvalidError } from './errors.ts';

/** Alpaca's limit on `client_order_id`. */
export const MAX_CLIENT_ORDER_ID_LENGTH = 128;

/** The parts of a client order id. */
export const ClientOrderIdParts = z.object({
  tradingDay: TradingDay,
  /** The run's stage, a slug. */
  stage: z.string().regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'expected a lowercase slug of at most 20 characters'),
  /** `pool` or `strategy#<id>`. */
  bookId: BookId,
  symbol: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9.]{0,11}$/, 'expected an upper-case symbol of at most 12 characters'),
  side: z.enum(['buy', 'sell']),
  /** 1 for the first order of (book, symbol, side) in the run. */
  leg: z.number().int().min(1).max(99),
});
export type ClientOrderIdParts = z.infer<typeof ClientOrderIdParts>;

const issuesOf = (e: z.ZodError): string[] => e.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

/** The deterministic client order id of an order; throws `ExecutionInputInvalidError` on a bad part. */
export const clientOrderId = (parts: ClientOrderIdParts): string => {
  const parsed = ClientOrderIdParts.safeParse(parts);
  if (!parsed.success)
    throw new ExecutionInputInvalidError('invalid client order id parts', issuesOf(parsed.error));
  const p = parsed.data;
  const book = p.bookId === POOL_BOOK ? 'pool' : `s-${p.bookId.slice('strategy#'.length)}`;
  const id = ['ens', p.tradingDay, p.stage, book, p.symbol, p.side === 'buy' ? 'b' : 's', String(p.leg)].join(
    '_',
  );
  // Unreachable with the limits above; kept so a future change of a limit cannot silently overflow.
  if (id.length > MAX_CLIENT_ORDER_ID_LENGTH)
    throw new ExecutionInputInvalidError(`client order id too long: ${id}`);
  return id;
};

const ID_PATTERN = /^ens_(\d{4}-\d{2}-\d{2})_([a-z0-9-]+)_(pool|s-[a-z0-9-]+)_([A-Z0-9.]+)_([bs])_(\d+)$/;

/** The parts of an id made by {@link clientOrderId}, or null for any other string. */
export const parseClientOrderId = (id: string): ClientOrderIdParts | null => {
  const m = ID_PATTERN.exec(id);
  if (!m) return null;
  const [, tradingDay, stage, book, symbol, side, leg] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const parts = {
    tradingDay,
    stage,
    bookId: book === 'pool' ? POOL_BOOK : `strategy#${book.slice(2)}`,
    symbol,
    side: side === 'b' ? ('buy' as const) : ('sell' as const),
    leg: Number(leg),
  };
  return ClientOrderIdParts.safeParse(parts).success ? parts : null;
};
