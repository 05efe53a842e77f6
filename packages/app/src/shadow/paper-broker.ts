/**
 * Shadow mode's paper broker: the SimBroker of `@ensemble/broker` — the simulated broker's own fill rules
 * (market day orders filled at the session's close, whole shares where the symbol is not fractionable, buying
 * power, no short sales) — filling at the run's snapshot prices (the close of the run's session, the prices
 * production plans and values with), on an account kept in the ledger's shadow scope. There is no second
 * implementation of fills here: only where the SimBroker's account lives and where its closes come from.
 *
 * One account per paper book and trading day (`<runId>/<bookId>`), opened with the book as the ledger has it
 * before the day's first paper order (its cash and positions): a paper book's funding, flips and history are
 * the ledger's, and each day's account starts from them. During the day the account is persisted like the
 * simulated broker's, so a Shadow step that crashed mid-order finds its orders there and completes them once.
 */
import {
  createSimBroker,
  type FillPriceSource,
  SimAccountState,
  type SimBroker,
  type SimBrokerStore,
  SimOrderRecord,
} from '@ensemble/broker';
import type { BookId, BookState } from '@ensemble/core';
import type { BookLedger, PaperAccountLedger } from '@ensemble/ledger';
import type { LoadedSnapshot } from '../market-snapshot.ts';

/** The paper account of a book on a run's day. */
export const paperAccountId = (runId: string, bookId: BookId): string => `${runId}/${bookId}`;

/**
 * A {@link SimBrokerStore} on a paper account of the ledger; a new account opens with `opening()`'s cash and
 * positions (the SimBroker's starting cash is ignored).
 */
export const paperAccountStore = (
  ledger: PaperAccountLedger,
  accountId: string,
  opening: () => Promise<Pick<BookState, 'cash' | 'positions'>>,
): SimBrokerStore => ({
  async loadAccount() {
    const account = await ledger.getPaperAccount(accountId);
    if (account === null) return null;
    return { state: SimAccountState.parse(JSON.parse(account.state)), version: account.version };
  },
  async createAccount(state) {
    const book = await opening();
    const opened: SimAccountState = {
      ...state,
      cash: book.cash,
      positions: Object.fromEntries(
        book.positions.map((p) => [p.symbol, { qty: p.qty, costBasis: p.costBasis }]),
      ),
    };
    return ledger.createPaperAccount(accountId, JSON.stringify(opened));
  },
  replaceAccount: (state, expectedVersion) =>
    ledger.replacePaperAccount(accountId, JSON.stringify(state), expectedVersion),
  async getArchivedOrder(clientOrderId) {
    const order = await ledger.getPaperOrder(accountId, clientOrderId);
    return order === null ? null : SimOrderRecord.parse(JSON.parse(order));
  },
  clientIdOfArchived: (orderId) => ledger.paperClientOrderIdOf(accountId, orderId),
  archiveOrders: (orders) =>
    ledger.archivePaperOrders(
      accountId,
      orders.map((o) => ({ clientOrderId: o.clientOrderId, orderId: o.id, order: JSON.stringify(o) })),
    ),
});

/** Fill prices from a run's snapshot: each symbol's close of the run's session (none for other sessions). */
export const snapshotCloses = (snapshot: LoadedSnapshot): FillPriceSource => ({
  async lastClose(symbol, onOrBefore) {
    const price = snapshot.prices[symbol];
    if (price === undefined || snapshot.tradingDay > onOrBefore) return null;
    return { date: snapshot.tradingDay, price };
  },
});

/** What {@link paperBroker} needs. */
export interface PaperBrokerInput {
  readonly ledger: PaperAccountLedger & Pick<BookLedger, 'getBook'>;
  readonly runId: string;
  readonly bookId: BookId;
  readonly snapshot: LoadedSnapshot;
  /** "Now" (the SimBroker takes orders only while the session is open). */
  readonly clock: () => Date;
  /** @default [] */
  readonly nonFractionable?: readonly string[];
}

/** The paper broker of one book on a run's day (see the module comment). */
export const paperBroker = (input: PaperBrokerInput): SimBroker => {
  const { ledger, bookId } = input;
  return createSimBroker({
    store: paperAccountStore(ledger, paperAccountId(input.runId, bookId), () => ledger.getBook(bookId)),
    prices: snapshotCloses(input.snapshot),
    clock: input.clock,
    nonFractionable: input.nonFractionable ?? [],
  });
};
