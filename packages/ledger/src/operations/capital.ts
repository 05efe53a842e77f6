/**
 * Capital through the ledger: initial funding of books from account equity and capital drift rebalancing,
 * both as cash transfers recorded in a transfer plan (never trades). The amounts are core's
 * (`resolveAllocations`, `fundBooks`, `planCapitalRebalance`); this module reads the books, records the plan
 * once and applies it exactly once (see plan-runner.ts).
 */
import {
  AllocationInvalidError,
  type BookCapital,
  type BookState,
  bookOf,
  bookTotals,
  type CapitalDrift,
  CapitalPolicy,
  type CashTransfer,
  D,
  DecimalString,
  dec,
  Flow,
  fundBooks as fundingTransfers,
  normalizeShares,
  POOL_BOOK,
  Prices,
  planCapitalRebalance,
  positionSlices,
  resolveAllocations,
  StrategyId,
  str,
  TradingDay,
} from '@ensemble/core';
import * as z from 'zod';
import { allPages } from '../pages.ts';
import type { BookLedger, TransferLedger } from '../repository/index.ts';
import type { BookId, FlowState, PlannedTransfer, TransferPlan } from '../types.ts';
import { parseInput } from './flip.ts';
import { completePlan, type PlanContent, runPlan, settlePending } from './plan-runner.ts';

/** What the capital operations read and write: transfer plans and the FlowState, books' values and cash. */
export type CapitalLedger = TransferLedger & Pick<BookLedger, 'getBook' | 'listCashBalances'>;

const Strategies = z.array(z.object({ id: StrategyId, flow: Flow })).min(1);

const cashPlanned = (id: string, t: CashTransfer): PlannedTransfer => ({
  transferId: id,
  kind: 'cash',
  from: t.from,
  to: t.to,
  amount: t.amount,
});

/** Input of {@link fundBooks}. */
export const FundBooksInput = z.object({
  policy: CapitalPolicy,
  /** Every configured strategy and its flow (the policy is resolved against all of them). */
  strategies: Strategies,
  /** Account equity the allocations are fractions of. */
  accountEquity: DecimalString,
  day: TradingDay,
  /** The account's cash now: when given, new funding must fit in the cash no book owns. */
  accountCash: DecimalString.optional(),
  /** Prices of the pool's holdings: needed only when a new aggregated strategy joins a pool with members. */
  prices: Prices.optional(),
  runId: z.string().min(1).optional(),
});
export type FundBooksInput = z.input<typeof FundBooksInput>;

/** Result of {@link fundBooks}: `already-funded` when every strategy already has a flow in the ledger. */
export interface FundBooksResult {
  status: 'funded' | 'already-funded';
  plan: TransferPlan | null;
  state: FlowState;
}

/**
 * Funds the books of strategies the ledger does not know yet: allocation × account equity, rounded down to
 * cents, from `unallocated`; a per-book strategy's to its book, new aggregated strategies' (summed) to the
 * pool, where they are issued pool shares (by allocation into a pool without members; at pool NAV
 * otherwise). Records each new strategy's flow. Allocations over 1 or funding over the unallocated cash
 * throw {@link AllocationInvalidError} before any write.
 */
export const fundBooks = async (ledger: CapitalLedger, raw: FundBooksInput): Promise<FundBooksResult> => {
  const input = parseInput(FundBooksInput, raw, 'funding');
  const prefix = `funding:${input.day}:`;
  const pending = (await ledger.getFlowState()).pendingPlanId;
  const own = pending?.startsWith(prefix) ? pending : undefined;
  const state = await settlePending(ledger, own);
  const recorded = own === undefined ? null : await ledger.getTransferPlan(own);
  if (recorded) {
    // Resuming this funding after a crash: the record wins.
    const after = await completePlan(ledger, recorded);
    return { status: 'funded', plan: await ledger.getTransferPlan(recorded.planId), state: after };
  }
  const allocations = resolveAllocations(input.policy, input.strategies);
  const fresh = input.strategies.filter((s) => state.flows[s.id] === undefined);
  if (fresh.length === 0) return { status: 'already-funded', plan: null, state };

  const byBook: Record<BookId, string> = {};
  const joining = fresh.filter((s) => s.flow === 'aggregated');
  for (const s of fresh) if (s.flow === 'per-book') byBook[bookOf(s.id)] = allocations.byStrategy[s.id]!;
  if (joining.length > 0) {
    byBook[POOL_BOOK] = joining.reduce((a, s) => a.plus(allocations.byStrategy[s.id]!), new D(0)).toFixed();
  }
  const transfers = fundingTransfers(byBook, input.accountEquity);
  const funding = transfers.reduce((a, t) => a.plus(t.amount), new D(0));
  if (input.accountCash !== undefined) {
    const owned = (await allPages((o) => ledger.listCashBalances(o))).reduce(
      (a, c) => a.plus(c.cash),
      new D(0),
    );
    const free = dec(input.accountCash).minus(owned);
    if (funding.gt(free)) {
      throw new AllocationInvalidError(
        `funding ${funding.toFixed()} exceeds the unallocated cash ${free.toFixed()} (account cash ${input.accountCash}, books own ${owned.toFixed()})`,
      );
    }
  }

  const before = state.poolShares;
  let after: Record<string, string> = { ...before };
  if (joining.length > 0) {
    const members = Object.keys(before);
    const weights: Record<string, D> = {};
    for (const s of joining) weights[s.id] = dec(allocations.byStrategy[s.id]!);
    if (members.length > 0) {
      // New capital enters at NAV: each newcomer's weight is its funding, each member's its slice of NAV.
      const pool = await ledger.getBook(POOL_BOOK);
      const { nav } = bookTotals(pool, input.prices ?? {});
      for (const s of joining) weights[s.id] = weights[s.id]!.times(input.accountEquity);
      for (const id of members) weights[id] = dec(before[id]!).times(nav);
    }
    const total = Object.values(weights).reduce((a, b) => a.plus(b), new D(0));
    if (total.isZero()) for (const id of Object.keys(weights)) weights[id] = new D(1);
    after = { ...normalizeShares(weights) };
  }

  const planId = own ?? `${prefix}${state.version + 1}`;
  const content: PlanContent = {
    day: input.day,
    kind: 'funding',
    reason: 'initial funding: allocation × account equity',
    ...(input.runId === undefined ? {} : { runId: input.runId }),
    transfers: transfers.map((t) => cashPlanned(`${planId}:${t.to}`, t)),
    flowsAfter: Object.fromEntries(fresh.map((s) => [s.id, s.flow])),
    poolSharesBefore: { ...before },
    poolSharesAfter: after,
    // The funded strategies' allocations (merged into the FlowState's), unless the ledger predates them.
    ...(state.allocations === undefined && Object.keys(state.flows).length > 0
      ? {}
      : {
          allocationsAfter: Object.fromEntries(fresh.map((s) => [s.id, allocations.byStrategy[s.id]!])),
        }),
  };
  return { status: 'funded', ...(await runPlan(ledger, state, planId, content)) };
};

/** Input of {@link rebalanceCapital}. */
export const RebalanceCapitalInput = z.object({
  policy: CapitalPolicy,
  strategies: Strategies,
  day: TradingDay,
  /** Prices of every symbol any allocated book holds (to value the books, and to slice positions). */
  prices: Prices,
  /**
   * The account's cash now: the cash no book owns then takes part (its target is what the allocations leave),
   * so books are measured against `allocation × (books + unallocated)`, as they were funded.
   */
  accountCash: DecimalString.optional(),
  /**
   * The allocations changed (the FlowState's differ from the policy's): bring every book to its new target
   * whatever the band, and whether or not the policy rebalances capital; record the new allocations and, for
   * the pool, shares in proportion to its members' new allocations. @default false
   */
  force: z.boolean().default(false),
  /** Symbols traded in whole shares only: their sliced quantity is rounded down to an integer. */
  nonFractionable: z.array(z.string()).optional(),
  runId: z.string().min(1).optional(),
});
export type RebalanceCapitalInput = z.input<typeof RebalanceCapitalInput>;

/** Result of {@link rebalanceCapital}. */
export interface RebalanceCapitalResult {
  /**
   * `rebalanced`: transfers applied (or, forced, the new allocations recorded); `within-band`: nothing drifted;
   * `no-cash`: books drifted but nothing could move; `disabled`: books drifted but the policy does not move
   * capital; `already-rebalanced`: the day's capital plan was applied before; `recorded`: nothing moved, but
   * a ledger that had never recorded allocations now has them.
   */
  status: 'rebalanced' | 'recorded' | 'within-band' | 'no-cash' | 'disabled' | 'already-rebalanced';
  drifted: CapitalDrift[];
  /** Value still owed to `unallocated` beyond the donors' cash (it returns as they sell), USD. */
  unmet: string;
  plan: TransferPlan | null;
}

/** The allocations recorded for `policy`'s strategies (what the FlowState keeps). */
const recordedAllocations = (byStrategy: Readonly<Record<string, string>>): Record<string, string> => ({
  ...byStrategy,
});

/**
 * True when the FlowState's recorded allocations differ from `current` for any configured strategy (a
 * strategy without a recorded allocation counts as changed; strategies no longer configured are ignored).
 */
export const allocationsChanged = (
  recorded: Readonly<Record<string, string>> | undefined,
  current: Readonly<Record<string, string>>,
): boolean =>
  recorded !== undefined &&
  Object.keys(current).some((id) => recorded[id] === undefined || !dec(recorded[id]).eq(current[id]!));

/**
 * Capital rebalancing, at most once per day (`capital:<day>`): values every allocated book at `prices`, and
 * when a book's capital leaves its band (or `force`: the allocations changed) brings every book to its target
 * with core's `planCapitalRebalance` — **cash first** (donors give at most their cash; cents, rounded down),
 * then, where a donor has too little cash, **a slice of its positions** (core's `positionSlices`, the same
 * fraction of each, cost basis pro rata) — all in one transfer plan, cash transfers first.
 */
export const rebalanceCapital = async (
  ledger: CapitalLedger,
  raw: RebalanceCapitalInput,
): Promise<RebalanceCapitalResult> => {
  const input = parseInput(RebalanceCapitalInput, raw, 'capital rebalance');
  const planId = `capital:${input.day}`;
  const state = await settlePending(ledger, planId);
  const existing = await ledger.getTransferPlan(planId);
  if (existing && state.pendingPlanId !== planId) {
    return { status: 'already-rebalanced', drifted: [], unmet: '0', plan: existing };
  }
  if (existing) {
    // Resuming this plan after a crash: the record wins over the half-moved books.
    return {
      status: 'rebalanced',
      drifted: [],
      unmet: '0',
      plan: (await runPlan(ledger, state, planId, existing)).plan,
    };
  }
  const allocations = resolveAllocations(input.policy, input.strategies);
  const books: Record<BookId, BookState> = {};
  const capital: Record<BookId, BookCapital> = {};
  for (const bookId of Object.keys(allocations.byBook).sort()) {
    const book = await ledger.getBook(bookId);
    books[bookId] = book;
    capital[bookId] = { nav: str(bookTotals(book, input.prices).nav), cash: book.cash };
  }
  let unallocatedCash: string | undefined;
  if (input.accountCash !== undefined) {
    const owned = (await allPages((o) => ledger.listCashBalances(o))).reduce(
      (a, c) => a.plus(c.cash),
      new D(0),
    );
    unallocatedCash = D.max(dec(input.accountCash).minus(owned), 0).toFixed();
  }
  const r = planCapitalRebalance(allocations.byBook, capital, input.policy.capitalBand, {
    force: input.force,
    ...(unallocatedCash === undefined ? {} : { unallocatedCash }),
  });
  const drifted = [...r.drifted];
  const skipped: RebalanceCapitalResult['status'] | null =
    drifted.length === 0
      ? 'within-band'
      : !input.policy.rebalanceCapital
        ? 'disabled'
        : r.transfers.length === 0 && r.moves.length === 0
          ? 'no-cash'
          : null;
  const move = input.force || skipped === null;
  // A ledger that never recorded allocations (written before they were) records them with its first check.
  if (!move && state.allocations !== undefined) {
    return { status: skipped ?? 'within-band', drifted, unmet: r.unmet, plan: null };
  }
  const nonFractionable = new Set(input.nonFractionable ?? []);
  const slices = move
    ? r.moves.flatMap((m) => positionSlices(books[m.from]!, input.prices, m.amount, m.to, nonFractionable))
    : [];
  const transfers: PlannedTransfer[] = [
    ...(move ? r.transfers : []).map((t, i) => cashPlanned(`${planId}:${i}:${t.from}>${t.to}`, t)),
    ...slices.map(
      (t, i): PlannedTransfer => ({
        transferId: `${planId}:${r.transfers.length + i}:${t.from}>${t.to}:${t.symbol}`,
        kind: 'position',
        from: t.from,
        to: t.to,
        symbol: t.symbol,
        qty: t.qty,
        amount: t.costBasis,
      }),
    ),
  ];
  const why = input.force
    ? 'allocations changed: every book to its new target'
    : !move
      ? 'allocations recorded (first capital check of this ledger)'
      : `capital drift: ${drifted.map((d) => `${d.bookId} ${d.share} vs ${d.target}`).join(', ')}`;
  const content: PlanContent = {
    day: input.day,
    kind: 'capital',
    reason: move
      ? `${why}; cash first, then slices of positions${dec(r.unmet).gt(0) ? `; ${r.unmet} still owed to unallocated` : ''}`
      : why,
    ...(input.runId === undefined ? {} : { runId: input.runId }),
    transfers,
    flowsAfter: {},
    poolSharesBefore: { ...state.poolShares },
    poolSharesAfter: input.force
      ? reallocatedShares(state.poolShares, allocations.byStrategy)
      : { ...state.poolShares },
    allocationsAfter: recordedAllocations(allocations.byStrategy),
  };
  return {
    status: move ? 'rebalanced' : 'recorded',
    drifted,
    unmet: move ? r.unmet : '0',
    plan: (await runPlan(ledger, state, planId, content)).plan,
  };
};

/**
 * Pool shares after a reallocation: in proportion to the members' new allocations (each member's capital in
 * the pool is brought to its allocation); unchanged when a member has no allocation (not configured now).
 */
const reallocatedShares = (
  shares: Readonly<Record<string, string>>,
  byStrategy: Readonly<Record<string, string>>,
): Record<string, string> => {
  const members = Object.keys(shares);
  if (members.length === 0 || members.some((id) => byStrategy[id] === undefined)) return { ...shares };
  const weights = Object.fromEntries(members.map((id) => [id, dec(byStrategy[id]!)]));
  if (Object.values(weights).every((w) => w.isZero())) return { ...shares };
  return { ...normalizeShares(weights) };
};
