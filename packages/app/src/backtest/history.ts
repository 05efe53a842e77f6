/**
 * The backtest's {@link PerformanceHistory}: read from its ledger after the last session as any recorded
 * days are (`historyFromLedger`: each book's NAV records, pool members' attributed shares, fills, orders,
 * holdings replayed at each close), with the backtest's flow and fill convention — and checked: a book
 * that has a NAV must have one on every session from its first, or the account (the sum of the books)
 * would silently leave it out.
 */
import {
  EnsembleError,
  ErrorNames,
  type MarketData,
  type PerformanceHistory,
  type UnitHistory,
} from '@ensemble/core';
import {
  type HistoryFromLedgerOptions,
  type HistoryLedger,
  historyFromLedger,
} from '../report/history-from-ledger.ts';

/** The books of a backtest do not add up to its account (a bug, never an input problem). */
export class BacktestInvariantError extends EnsembleError {
  override readonly name = ErrorNames.BacktestInvariant;
}

/** What the history is read from besides the ledger. */
export interface HistoryInput {
  /** The configuration as the backtest traded it (its `--flow` applied). */
  readonly config: HistoryFromLedgerOptions['config'];
  /** The backtest's `--flow`. */
  readonly flow: string;
  /** The fill convention, in words. */
  readonly fills: string;
  /** The bars, for the benchmark and the holdings. */
  readonly marketData: MarketData;
  /** The benchmark's symbol, or null. */
  readonly benchmark: string | null;
  /** Replay each book's holdings at every close (the allocation charts, `holdings.csv`). @default true */
  readonly holdings?: boolean;
}

/** Throws unless every book has a NAV on every session from its first (see the module comment). */
const assertBooksComplete = (books: readonly UnitHistory[], sessions: readonly string[]): void => {
  for (const b of books) {
    const days = new Set(b.equity.map(([d]) => d));
    const first = b.equity[0]?.[0];
    const missing = sessions.filter((d) => first !== undefined && d >= first && !days.has(d));
    if (missing.length > 0) {
      throw new BacktestInvariantError(
        `book ${b.id} has no NAV on ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}: the account would not be the sum of its books`,
      );
    }
  }
};

/** The backtest's history (see the module comment); `sessions` are the days the backtest ran. */
export const backtestHistory = async (
  ledger: HistoryLedger,
  input: HistoryInput,
  sessions: readonly string[],
): Promise<PerformanceHistory> => {
  const history = await historyFromLedger(ledger, {
    config: input.config,
    from: sessions[0]!,
    to: sessions.at(-1)!,
    marketData: input.marketData,
    benchmark: input.benchmark,
    flow: input.flow,
    fills: input.fills,
    ...(input.holdings === false ? { holdings: false } : {}),
  });
  if (!history)
    throw new BacktestInvariantError(`no book has a NAV between ${sessions[0]} and ${sessions.at(-1)}`);
  const books = [
    ...history.strategies.filter((s) => s.flow === 'per-book'),
    ...(history.pool ? [history.pool] : []),
  ];
  assertBooksComplete(books, sessions);
  return history;
};
