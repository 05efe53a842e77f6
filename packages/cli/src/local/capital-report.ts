/**
 * The capital side of a run's report, read back from the ledger: each book's NAV and day P&L, the account's
 * (every book and the pool), the day's capital transfers and each book's share of the capital against its
 * target, the day's flips and corporate actions.
 *
 * Day P&L of a book = its NAV at the day's close − its NAV at its previous close (0 before its first) − the
 * value transferred in that day + the value transferred out (funding, capital moves and flips; corporate
 * actions are not flows: a split changes no value, a dividend is income). NAVs are taken to the cent first,
 * so the books' day P&Ls add up exactly to the change of the account's NAV less what came in from the
 * unallocated cash (funding): no P&L is hidden in a book the report does not show, on a flip day or any other.
 */
import { capitalPolicyOf, crossesOf, liveStrategies } from '@ensemble/app';
import type { LoadedConfig } from '@ensemble/config';
import { addDays, bookOf, POOL_BOOK, resolveAllocations } from '@ensemble/core';
import { allPages, type BookId, type LedgerRepository, type Nav, type TransferPlan } from '@ensemble/ledger';
import { Decimal } from 'decimal.js';

/** A book on the day. */
export interface ReportBook {
  readonly bookId: string;
  /** NAV at the day's close, to the cent. */
  readonly nav: string;
  readonly cash: string;
  /** NAV change since its previous close (from 0 on its first day: against its funding), net of transfers. */
  readonly dayPnl: string;
}

/** The account on the day: every book and the pool. */
export interface ReportAccount {
  /** Sum of the books' NAVs. */
  readonly nav: string;
  /** Sum of the books' day P&Ls (= the change of `nav`, less what came in from the unallocated cash). */
  readonly dayPnl: string;
}

/** A transfer of a capital plan (funding, capital rebalancing or reallocation). */
export interface ReportTransfer {
  readonly from: string;
  readonly to: string;
  /** Cash moved, or for shares the cost basis moved with them. */
  readonly amount: string;
  readonly symbol?: string;
  readonly qty?: string;
}

/** The day's capital: policy, band, transfers, and each book's share against its target. */
export interface ReportCapital {
  readonly policy: string;
  /** The capital band (relative), or null without capital rebalancing. */
  readonly band: string | null;
  readonly frequency: string | null;
  readonly transfers: ReportTransfer[];
  /** `id`: a per-book strategy's id, or `pool`; `share` = NAV / account NAV; `target` = allocation share. */
  readonly books: { id: string; share: string; target: string }[];
}

/** A corporate action applied on the day. */
export interface ReportCorporateAction {
  readonly id: string;
  readonly kind: 'split' | 'dividend';
  readonly symbol: string;
  readonly exDate: string;
  /** `2:1` (new : old) for a split, USD per share for a dividend. */
  readonly terms: string;
  readonly source?: string;
  /** Per book: shares issued (negative: cancelled) or cash credited. */
  readonly books: { bookId: string; qty?: string; amount?: string }[];
}

/**
 * A cross of the day's netting at the account (docs/execution.md): shares of `symbol` that one book sold
 * and another bought inside the ledger, at the as-of price, instead of two opposite broker orders.
 */
export interface ReportCross {
  readonly symbol: string;
  readonly from: string;
  readonly to: string;
  readonly qty: string;
  /** Cash the buyer paid the seller (qty × the as-of price). */
  readonly amount: string;
}

/** Everything the report reads about books and capital on one day. */
export interface DayCapital {
  readonly books: ReadonlyMap<string, ReportBook>;
  readonly account: ReportAccount;
  readonly capital: ReportCapital | null;
  readonly flips: ReadonlyMap<string, { from: string; to: string }>;
  readonly corporateActions: ReportCorporateAction[];
  /** The day's crosses between books (NetOrders). */
  readonly netting: ReportCross[];
}

const cents = (s: string) => new Decimal(s).toDecimalPlaces(2);

/** The book's latest NAV before `day` (the last weeks first; the whole series only when they have none). */
const previousNav = async (
  ledger: LedgerRepository,
  bookId: BookId,
  day: string,
): Promise<Nav | undefined> => {
  const to = addDays(day, -1);
  const recent = await allPages((o) => ledger.listNav(bookId, { ...o, from: addDays(day, -42), to }));
  return (recent.length > 0 ? recent : await allPages((o) => ledger.listNav(bookId, { ...o, to }))).at(-1);
};

/** Each book's NAV record of `day` with its day P&L (see the module comment). */
const booksOfDay = async (ledger: LedgerRepository, day: string): Promise<Map<string, ReportBook>> => {
  const today = await allPages((o) => ledger.listNavOfDay(day, o));
  const out = new Map<string, ReportBook>();
  for (const n of [...today].sort((a, b) => a.bookId.localeCompare(b.bookId))) {
    const before = await previousNav(ledger, n.bookId as BookId, day);
    const dayPnl = cents(n.nav)
      .minus(before ? cents(before.nav) : 0)
      .minus(n.flowsIn)
      .plus(n.flowsOut);
    out.set(n.bookId, {
      bookId: n.bookId,
      nav: cents(n.nav).toFixed(2),
      cash: n.cash,
      dayPnl: dayPnl.toFixed(2),
    });
  }
  return out;
};

const reportTransfers = (plans: readonly TransferPlan[]): ReportTransfer[] =>
  plans
    .filter((p) => p.kind === 'capital' || p.kind === 'funding')
    .flatMap((p) =>
      p.transfers.map((t) => ({
        from: t.from,
        to: t.to,
        amount: t.amount,
        ...(t.kind === 'position' ? { symbol: t.symbol ?? '', qty: t.qty ?? '0' } : {}),
      })),
    );

/** The crosses of the day's netting plans (the app's reading of a netting plan), as the report shows them. */
const crossesOfDay = (plans: readonly TransferPlan[]): ReportCross[] =>
  plans
    .filter((p) => p.kind === 'netting')
    .flatMap((p) =>
      crossesOf(p).map((c) => ({
        symbol: c.symbol,
        from: c.seller,
        to: c.buyer,
        qty: c.qty,
        amount: c.amount,
      })),
    );

const corporateActionsOf = (plans: readonly TransferPlan[]): ReportCorporateAction[] =>
  plans.flatMap((p) => {
    const a = p.corporateAction;
    if (p.kind !== 'corporate-action' || !a) return [];
    return [
      {
        id: p.planId,
        kind: a.kind,
        symbol: a.symbol,
        exDate: a.exDate,
        terms: a.kind === 'split' ? `${a.newRate}:${a.oldRate}` : a.rate,
        ...(a.kind === 'split' ? { source: a.source } : {}),
        books: p.transfers.map((t) =>
          t.kind === 'position'
            ? {
                bookId: t.to === 'external' ? t.from : t.to,
                qty: t.to === 'external' ? `-${t.qty}` : (t.qty ?? '0'),
              }
            : { bookId: t.to, amount: t.amount },
        ),
      },
    ];
  });

/** The capital of the day for `config`'s policy (null without a config: the targets come from it). */
const capitalOf = (
  config: LoadedConfig | undefined,
  books: ReadonlyMap<string, ReportBook>,
  account: ReportAccount,
  plans: readonly TransferPlan[],
): ReportCapital | null => {
  if (!config) return null;
  const strategies = liveStrategies(config).map((s) => ({ id: s.id, flow: s.flow }));
  const byBook = strategies.length > 0 ? resolveAllocations(capitalPolicyOf(config), strategies).byBook : {};
  const totalAlloc = Object.values(byBook).reduce((a, b) => a.plus(b), new Decimal(0));
  const nav = new Decimal(account.nav);
  const ids = [...new Set([...Object.keys(byBook), ...books.keys()])].sort();
  const rows = ids.flatMap((bookId) => {
    const book = books.get(bookId);
    const alloc = byBook[bookId as BookId];
    if (alloc === undefined && (!book || new Decimal(book.nav).isZero())) return [];
    const share = nav.gt(0) && book ? new Decimal(book.nav).div(nav) : new Decimal(0);
    const target =
      alloc !== undefined && totalAlloc.gt(0) ? new Decimal(alloc).div(totalAlloc) : new Decimal(0);
    return [
      {
        id: bookId === POOL_BOOK ? 'pool' : bookId.slice('strategy#'.length),
        share: share.toDecimalPlaces(6).toString(),
        target: target.toDecimalPlaces(6).toString(),
      },
    ];
  });
  const rebalance = config.account.capitalRebalance;
  return {
    policy: config.account.capitalPolicy,
    band: rebalance ? String(rebalance.band) : null,
    frequency: rebalance?.frequency ?? null,
    transfers: reportTransfers(plans),
    books: rows,
  };
};

/** Reads the books, the account, capital, flips and corporate actions of `day` (see the module comment). */
export const dayCapital = async (
  ledger: LedgerRepository,
  day: string,
  config?: LoadedConfig,
): Promise<DayCapital> => {
  const [books, plans] = await Promise.all([
    booksOfDay(ledger, day),
    allPages((o) => ledger.listTransferPlans({ ...o, from: day, to: day })),
  ]);
  const sum = (f: (b: ReportBook) => string) =>
    [...books.values()].reduce((a, b) => a.plus(f(b)), new Decimal(0));
  const account = { nav: sum((b) => b.nav).toFixed(2), dayPnl: sum((b) => b.dayPnl).toFixed(2) };
  const flips = new Map(
    plans
      .filter((p) => p.kind === 'flip' && p.strategyId && p.fromFlow && p.toFlow)
      .map((p) => [p.strategyId!, { from: p.fromFlow!, to: p.toFlow! }]),
  );
  return {
    books,
    account,
    capital: capitalOf(config, books, account, plans),
    flips,
    corporateActions: corporateActionsOf(plans),
    netting: crossesOfDay(plans),
  };
};

/** The book a strategy's report entry shows: its own when per-book, or when its flow flipped that day. */
export const strategyBook = (day: DayCapital, strategyId: string, flow: string): ReportBook | null => {
  const book = day.books.get(bookOf(strategyId)) ?? null;
  if (flow === 'per-book' || day.flips.has(strategyId)) return book;
  // An aggregated strategy's own book is empty; shown only if it still moved (so nothing is hidden).
  return book && (!new Decimal(book.nav).isZero() || !new Decimal(book.dayPnl).isZero()) ? book : null;
};
