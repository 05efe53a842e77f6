/**
 * The day's NAV of each book, recorded once: valued at D's prices, with the day's transfers as flows in
 * and out (corporate actions are not flows). Finalize records every production book; a Shadow branch
 * records its paper book. Its own module so a step that records NAVs does not carry Finalize's code.
 */
import {
  addDays,
  type BookId,
  type BookTotals,
  bookTotals,
  EXTERNAL,
  forEachLimit,
  str,
} from '@ensemble/core';
import { allPages, type BookLedger, type Transfer, type TransferLedger } from '@ensemble/ledger';
import { Decimal } from 'decimal.js';
import type { LoadedSnapshot } from '../market-snapshot.ts';
import type { StepDeps } from '../step-deps.ts';

/** The ledger roles recording NAVs uses. */
export type NavLedger = Pick<
  BookLedger,
  'listCashBalances' | 'listAllPositions' | 'getBook' | 'recordNav' | 'listNav' | 'restateNav'
> &
  Pick<TransferLedger, 'listTransfers'>;

/** Books valued and recorded at once (each book's NAV is its own item). */
const NAV_CONCURRENCY = 8;

/**
 * Records the NAV of the day once for each book (`only` these, else every book with cash or positions); a
 * book that cannot be valued is logged and left out.
 */
export const recordNavs = async (
  deps: StepDeps<NavLedger>,
  day: string,
  snapshot: LoadedSnapshot,
  only?: readonly BookId[],
): Promise<void> => {
  const { ledger } = deps.ports;
  const { logger } = deps.observe;
  const [cash, positions, transfers] = await Promise.all([
    only ? [] : allPages((o) => ledger.listCashBalances(o)),
    only ? [] : allPages((o) => ledger.listAllPositions(o)),
    allPages((o) => ledger.listTransfers({ ...o, from: day, to: day })),
  ]);
  const bookIds =
    only ?? [...new Set([...cash.map((c) => c.bookId), ...positions.map((p) => p.bookId)])].sort();
  await forEachLimit(bookIds, NAV_CONCURRENCY, async (bookId) => {
    let valued: BookTotals;
    try {
      valued = bookTotals(await ledger.getBook(bookId), snapshot.prices);
    } catch (e) {
      logger.error('book not valued: NAV not recorded', { bookId, error: (e as Error).message });
      return;
    }
    const flows = flowsOf(bookId, transfers, snapshot);
    const nav = {
      bookId,
      day,
      cash: str(valued.cash),
      positionsValue: str(valued.marketValue),
      nav: str(valued.nav),
      flowsIn: flows.in.toFixed(),
      flowsOut: flows.out.toFixed(),
    };
    const r = await ledger.recordNav(nav);
    if (r.status !== 'conflict') return;
    // The day's books changed after its NAV was recorded (a FAILED branch ran again and traded): restate
    // it, unless a later day is already recorded (a late redrive must not rewrite history with today's books).
    const later = await ledger.listNav(bookId, { from: addDays(day, 1), limit: 1 });
    if (later.data.length > 0) {
      logger.warn('NAV of the day differs, but a later day is recorded: not restated', { bookId });
      return;
    }
    const restated = await ledger.restateNav(nav, r.current);
    if (restated.status === 'conflict') logger.warn('NAV of the day restated concurrently', { bookId });
    else logger.info('NAV of the day restated after a re-run', { bookId, was: r.current.nav, now: nav.nav });
  });
};

/** Value moved into and out of a book by the day's transfers between books (shares at D's price). */
const flowsOf = (
  bookId: BookId,
  transfers: readonly Transfer[],
  snapshot: LoadedSnapshot,
): { in: Decimal; out: Decimal } => {
  let into = new Decimal(0);
  let out = new Decimal(0);
  for (const t of transfers) {
    // A corporate action is no flow: a split changes no value, a dividend is income (day P&L).
    if (t.from === EXTERNAL || t.to === EXTERNAL) continue;
    const price = t.kind === 'position' ? snapshot.prices[t.symbol ?? ''] : undefined;
    // Cash at face value; shares at D's close, or at their cost basis when D has no price.
    const value = price === undefined ? new Decimal(t.amount) : new Decimal(t.qty ?? '0').times(price);
    if (t.to === bookId) into = into.plus(value);
    if (t.from === bookId) out = out.plus(value);
  }
  return { in: into.toDecimalPlaces(2), out: out.toDecimalPlaces(2) };
};
