/**
 * Symbol overlap across books: which books hold or target the same symbol. The broker account has one
 * position per symbol, so the execution layer needs this to net or sequence orders and to attribute
 * fills and position reports back to books.
 */
import type { BookId, BookState } from '../books/types.ts';
import { byString, dec } from '../decimal.ts';
import type { TargetWeights } from './types.ts';

/** The symbols one book holds and targets. */
export interface BookSymbols {
  readonly bookId: BookId;
  readonly held: readonly string[];
  readonly targeted: readonly string[];
}

/** A symbol touched by two or more books. Book lists are sorted. */
export interface SymbolOverlap {
  readonly symbol: string;
  /** Every book that holds or targets the symbol. */
  readonly books: readonly BookId[];
  readonly holders: readonly BookId[];
  readonly targeters: readonly BookId[];
}

/** The symbols a book holds (qty > 0) and targets (weight > 0). */
export const bookSymbols = (book: BookState, targets: TargetWeights = {}): BookSymbols => ({
  bookId: book.bookId,
  held: book.positions.filter((h) => dec(h.qty).gt(0)).map((h) => h.symbol),
  targeted: Object.keys(targets).filter((s) => dec(targets[s]!).gt(0)),
});

/** Symbols that two or more distinct books hold or target, sorted by symbol. */
export const symbolOverlap = (books: readonly BookSymbols[]): SymbolOverlap[] => {
  const holders = new Map<string, Set<BookId>>();
  const targeters = new Map<string, Set<BookId>>();
  const add = (m: Map<string, Set<BookId>>, s: string, b: BookId) => m.set(s, (m.get(s) ?? new Set()).add(b));
  for (const b of books) {
    for (const s of b.held) add(holders, s, b.bookId);
    for (const s of b.targeted) add(targeters, s, b.bookId);
  }
  const sorted = (s?: Set<BookId>) => [...(s ?? [])].sort(byString);
  return [...new Set([...holders.keys(), ...targeters.keys()])]
    .sort(byString)
    .map((symbol) => ({
      symbol,
      books: sorted(new Set([...(holders.get(symbol) ?? []), ...(targeters.get(symbol) ?? [])])),
      holders: sorted(holders.get(symbol)),
      targeters: sorted(targeters.get(symbol)),
    }))
    .filter((o) => o.books.length >= 2);
};
