/**
 * Reconciliation: the ledger's books against the broker's account. Per symbol, the sum over every book
 * (the pool included) must equal the broker's position; the books' cash plus the cash no book owns must
 * equal the broker's cash. Differences above the tolerance are listed; the CLI (`ensemble reconcile`) prints
 * them and exits 1, Finalize stops the run on them. Run it when no execution is in flight: an order between
 * its fill at the broker and its record in the ledger shows as a difference until it is recorded.
 */

import type { Broker } from '@ensemble/core';
import { addDays, D, dec, movesUnallocatedCash, strQty, sum, UNALLOCATED } from '@ensemble/core';
import { allPages, type BookLedger, type TransferLedger } from '@ensemble/ledger';

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  /** Every book's positions and cash. */
  ledger: Pick<BookLedger, 'listAllPositions' | 'listCashBalances'>;
  broker: Broker;
  /** Largest absolute difference (shares, or USD for cash) not reported. @default "0.01" */
  tolerance?: string;
  /**
   * The account cash no book owns (`unallocated`), when the caller knows it (e.g. the simulated account's
   * starting cash minus what was funded). Without it the ledger cannot know deposits: the implied
   * unallocated cash (`broker cash − books' cash`) is reported, and only a negative one (books claiming
   * more cash than the account has) is a difference.
   */
  unallocatedCash?: string;
  /**
   * Cash the books were credited that the broker has not paid yet: dividends credited on their ex-date whose
   * payable date is still to come (`receivableDividends`). The books' cash less it is what the broker holds.
   * @default "0"
   */
  receivableCash?: string;
}

/** One difference: ledger vs broker, `diff = broker − ledger`. */
export interface ReconcileDifference {
  symbol: string | 'cash';
  ledger: string;
  broker: string;
  diff: string;
}

/** The result of {@link reconcile}. */
export interface ReconcileResult {
  ok: boolean;
  differences: ReconcileDifference[];
  /** Shares per symbol, over all books and at the broker (every symbol either side has). */
  positions: { symbol: string; ledger: string; broker: string }[];
  cash: { books: string; unallocated: string; unallocatedKnown: boolean; broker: string };
}

/** Compare the ledger's books with the broker's account; see the module comment. */
export const reconcile = async (options: ReconcileOptions): Promise<ReconcileResult> => {
  const tolerance = dec(options.tolerance ?? '0.01');
  const [ledgerPositions, cashBalances, brokerPositions, account] = await Promise.all([
    allPages((o) => options.ledger.listAllPositions(o)),
    allPages((o) => options.ledger.listCashBalances(o)),
    options.broker.listPositions(),
    options.broker.getAccount(),
  ]);
  const ledgerQty = new Map<string, D>();
  for (const p of ledgerPositions) ledgerQty.set(p.symbol, (ledgerQty.get(p.symbol) ?? new D(0)).plus(p.qty));
  const brokerQty = new Map<string, D>();
  for (const p of brokerPositions) brokerQty.set(p.symbol, (brokerQty.get(p.symbol) ?? new D(0)).plus(p.qty));
  const symbols = [...new Set([...ledgerQty.keys(), ...brokerQty.keys()])].sort();
  const differences: ReconcileDifference[] = [];
  const positions = symbols.map((symbol) => {
    const l = ledgerQty.get(symbol) ?? new D(0);
    const b = brokerQty.get(symbol) ?? new D(0);
    if (b.minus(l).abs().gt(tolerance)) {
      differences.push({ symbol, ledger: strQty(l), broker: strQty(b), diff: strQty(b.minus(l)) });
    }
    return { symbol, ledger: strQty(l), broker: strQty(b) };
  });

  const books = sum(cashBalances.map((c) => c.cash)).minus(options.receivableCash ?? '0');
  const brokerCash = dec(account.cash);
  const known = options.unallocatedCash !== undefined;
  const unallocated = known ? dec(options.unallocatedCash as string) : brokerCash.minus(books);
  if (known) {
    const ledgerCash = books.plus(unallocated);
    if (brokerCash.minus(ledgerCash).abs().gt(tolerance)) {
      differences.push({
        symbol: 'cash',
        ledger: strQty(ledgerCash),
        broker: strQty(brokerCash),
        diff: strQty(brokerCash.minus(ledgerCash)),
      });
    }
  } else if (unallocated.lt(tolerance.neg())) {
    differences.push({
      symbol: 'cash',
      ledger: strQty(books),
      broker: strQty(brokerCash),
      diff: strQty(unallocated),
    });
  }
  return {
    ok: differences.length === 0,
    differences,
    positions,
    cash: {
      books: strQty(books),
      unallocated: strQty(unallocated),
      unallocatedKnown: known,
      broker: strQty(brokerCash),
    },
  };
};

/** Transfers read a request by {@link unallocatedFromTransfers} (about 300 KB of items, under a 1 MB page). */
const TRANSFER_PAGE = 1000;

/**
 * The cash no book owns, from the ledger's transfers: `deposits` (what was paid into the account) less
 * every applied cash transfer from `unallocated` to a book, plus every one back. For the simulated broker,
 * `deposits` is its starting cash. Only those transfers are read (`listUnallocatedCashTransfers`: funding,
 * capital moves, liquidations), not the transfers between books, which a day of netting or a flip adds.
 */
export const unallocatedFromTransfers = async (
  ledger: Pick<TransferLedger, 'listUnallocatedCashTransfers'>,
  deposits: string,
): Promise<string> => {
  const transfers = await allPages((o) => ledger.listUnallocatedCashTransfers(o), TRANSFER_PAGE);
  let cash = dec(deposits);
  for (const t of transfers) {
    if (!movesUnallocatedCash(t) || t.appliedAt === undefined) continue;
    if (t.from === UNALLOCATED) cash = cash.minus(t.amount);
    if (t.to === UNALLOCATED) cash = cash.plus(t.amount);
  }
  return strQty(cash);
};

/**
 * Dividends the books were credited (corporate-action plans, on the ex-date) that the broker pays after `day`
 * (their payable date is later): the cash reconciliation expects them at the broker only then. Plans of the
 * last `lookbackDays` are read (payable dates follow ex-dates by days or weeks).
 */
export const receivableDividends = async (
  ledger: Pick<TransferLedger, 'listTransferPlans'>,
  day: string,
  lookbackDays = 120,
): Promise<string> => {
  const plans = await allPages((o) =>
    ledger.listTransferPlans({ ...o, from: addDays(day, -lookbackDays), to: day }),
  );
  let owed = new D(0);
  for (const p of plans) {
    const a = p.corporateAction;
    if (a?.kind !== 'dividend' || p.status !== 'APPLIED' || (a.payableDate ?? a.exDate) <= day) continue;
    owed = owed.plus(sum(p.transfers.map((t) => t.amount)));
  }
  return strQty(owed);
};
