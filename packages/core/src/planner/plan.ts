/**
 * The rebalance planner for one book: target weights + book + prices + asset facts + settings → a Plan.
 * Pure and deterministic: same input, same plan (lines sorted sells first, then by symbol).
 * Fails closed: a missing or non-positive price for any held or targeted symbol is a PriceInvalidError
 * and there is no plan.
 */

import { str } from '../decimal.ts';
import { assess, markBook, readTargets } from './corridor.ts';
import { sizeOrders } from './sizing.ts';
import type { Plan, PlanInput } from './types.ts';

const TRADING_TRIGGERS = new Set(['initial-funding', 'selection-change', 'band-breach', 'scheduled']);

/** Plans one book's rebalance (see corridor.ts for when, sizing.ts for how much). */
export const planRebalance = (input: PlanInput): Plan => {
  const { book, settings } = input;
  const targets = readTargets(input.targets, book.bookId);
  const marked = markBook(book, targets, input.prices, settings.cashBuffer);
  const { trigger, reason, drift } = assess(marked, targets, settings, input.schedule, book.bookId);
  const base = { bookId: book.bookId, trigger, nav: str(marked.nav), drift };
  if (!TRADING_TRIGGERS.has(trigger)) {
    return { ...base, action: 'hold', reason: `hold: ${reason}`, lines: [], skipped: [] };
  }
  const { lines, skipped } = sizeOrders(marked, targets, input.assets, settings, trigger, book.bookId);
  if (lines.length === 0) {
    return {
      ...base,
      action: 'hold',
      reason: `hold: ${reason}, but no trade is worth placing`,
      lines,
      skipped,
    };
  }
  return { ...base, action: 'rebalance', reason: `rebalance: ${reason}`, lines, skipped };
};
