/**
 * What a fill or a transfer does to the books: its effects on positions and cash (core's book math), and
 * how a transfer's record is resolved from its input (endpoints checked, a position's cost basis taken pro
 * rata). Pure, and shared by the DynamoDB journal (journal.ts, which applies each effect exactly once
 * without transactions) and the memory ledger (which applies them all in one step).
 */
import {
  applyFill as applyFillToBook,
  type D,
  dec,
  EXTERNAL,
  proRataCost,
  str,
  UNALLOCATED,
} from '@ensemble/core';
import { LedgerInvariantError } from '../errors.ts';
import type { BookId, Fill, Transfer } from '../types.ts';
import type { ApplyTransferInput } from './inputs.ts';

/** The state of a position as the journal computes on it. */
export interface PositionState {
  qty: D;
  costBasis: D;
}

/** A change to one item, given its current state. */
export type Effect =
  | { kind: 'position'; bookId: BookId; symbol: string; apply: (s: PositionState) => PositionState }
  | { kind: 'cash'; bookId: BookId; apply: (cash: D) => D };

/** The item an effect changes, for messages: `position <book>/<symbol>` or `cash <book>`. */
export const effectKey = (e: Effect): string =>
  e.kind === 'position' ? `position ${e.bookId}/${e.symbol}` : `cash ${e.bookId}`;

/**
 * A position after an effect, as stored: a negative quantity is refused (LedgerInvariantError, naming the
 * journal entry), a flat position keeps no cost basis.
 */
export const positionAfter = (
  entryId: string,
  e: Extract<Effect, { kind: 'position' }>,
  current: { qty: string; costBasis: string } | null,
): { qty: string; costBasis: string } => {
  const next = e.apply({ qty: dec(current?.qty ?? '0'), costBasis: dec(current?.costBasis ?? '0') });
  if (next.qty.isNegative()) {
    throw new LedgerInvariantError(`${entryId} would make ${effectKey(e)} negative (${str(next.qty)})`);
  }
  return { qty: str(next.qty), costBasis: next.qty.isZero() ? '0' : str(next.costBasis) };
};

/** A fill's effects: its book's position (core's average-cost math) and cash (notional and fee). */
export const fillEffects = (fill: Fill): Effect[] => {
  const notional = dec(fill.notional);
  const fee = dec(fill.fee);
  const buy = fill.side === 'buy';
  return [
    {
      kind: 'position',
      bookId: fill.bookId,
      symbol: fill.symbol,
      // Core's book math decides the position (average cost; a sell removes its share of the cost basis,
      // rounded down to cents) and throws BookInvariantError on a sell larger than the position.
      apply: (s) => {
        const held = { symbol: fill.symbol, qty: str(s.qty), costBasis: str(s.costBasis) };
        const book = { bookId: fill.bookId, cash: '0', positions: s.qty.isZero() ? [] : [held] };
        const after = applyFillToBook(book, fill).book.positions.find((h) => h.symbol === fill.symbol);
        return { qty: dec(after?.qty ?? '0'), costBasis: dec(after?.costBasis ?? '0') };
      },
    },
    {
      kind: 'cash',
      bookId: fill.bookId,
      // As in core's applyFill: cash moves by the exact notional, fee always paid.
      apply: (cash) => (buy ? cash.minus(notional).minus(fee) : cash.plus(notional).minus(fee)),
    },
  ];
};

/**
 * A transfer's effects: shares and cost basis from one book to the other, or cash. `unallocated` and
 * `external` have no items: only the books' sides change.
 */
export const transferEffects = (t: Transfer): Effect[] => {
  const amount = dec(t.amount);
  const effects: Effect[] = [];
  const book = (id: string) => id !== UNALLOCATED && id !== EXTERNAL;
  if (t.kind === 'position') {
    const qty = dec(t.qty ?? '0');
    const symbol = t.symbol ?? '';
    if (book(t.from)) {
      effects.push({
        kind: 'position',
        bookId: t.from,
        symbol,
        apply: (s) => ({ qty: s.qty.minus(qty), costBasis: s.costBasis.minus(amount) }),
      });
    }
    if (book(t.to)) {
      effects.push({
        kind: 'position',
        bookId: t.to,
        symbol,
        apply: (s) => ({ qty: s.qty.plus(qty), costBasis: s.costBasis.plus(amount) }),
      });
    }
  } else {
    if (book(t.from)) effects.push({ kind: 'cash', bookId: t.from, apply: (c) => c.minus(amount) });
    if (book(t.to)) effects.push({ kind: 'cash', bookId: t.to, apply: (c) => c.plus(amount) });
  }
  return effects;
};

/**
 * The cost basis moving with `qty` shares of `symbol` out of book `from`, whose position is `held`: all of
 * it for the whole position, else its pro rata share rounded down to cents. Refuses to move more than held.
 */
export const proRataCostBasis = (
  held: { qty: string; costBasis: string } | null,
  from: string,
  symbol: string,
  qty: D,
): string => {
  const heldQty = dec(held?.qty ?? '0');
  if (heldQty.lessThan(qty)) {
    throw new LedgerInvariantError(
      `cannot move ${str(qty)} ${symbol} from ${from}: it holds ${str(heldQty)}`,
    );
  }
  return str(proRataCost(dec(held?.costBasis ?? '0'), qty, heldQty));
};

/** True when a position transfer's record decides its cost basis (none given: taken pro rata when first recorded). */
export const costBasisFromSource = (input: ApplyTransferInput): boolean =>
  input.kind === 'position' && input.costBasis === undefined;

/** A transfer of shares, as {@link ApplyTransferInput} describes it. */
export type PositionTransferInput = Extract<ApplyTransferInput, { kind: 'position' }>;

/**
 * The transfer record of `input`, its amounts resolved (`costBasis` resolves a position's cost basis when
 * the input gives none: read from an earlier record, else from the source position). Throws
 * LedgerInvariantError for a transfer to itself, shares moving from or to `unallocated`, or shares issued
 * from `external` without their cost basis.
 */
export const newTransfer = async (
  input: ApplyTransferInput,
  at: string,
  costBasis: (input: PositionTransferInput) => Promise<string>,
): Promise<Transfer> => {
  const { transferId, day, from, to, reason, runId, kind } = input;
  const base = { transferId, day, kind, from, to, reason, ...(runId === undefined ? {} : { runId }) };
  if (from === to) throw new LedgerInvariantError(`transfer ${transferId} moves from ${from} to itself`);
  if (input.kind === 'position') {
    if (from === UNALLOCATED || to === UNALLOCATED) {
      throw new LedgerInvariantError(
        `transfer ${transferId}: shares move only between books (or from/to outside, by a corporate action)`,
      );
    }
    if (from === EXTERNAL && input.costBasis === undefined) {
      throw new LedgerInvariantError(
        `transfer ${transferId}: shares issued from outside need their cost basis`,
      );
    }
    const amount = input.costBasis !== undefined ? str(dec(input.costBasis)) : await costBasis(input);
    return { ...base, symbol: input.symbol, qty: str(dec(input.qty)), amount, recordedAt: at };
  }
  return { ...base, amount: str(dec(input.amount)), recordedAt: at };
};
