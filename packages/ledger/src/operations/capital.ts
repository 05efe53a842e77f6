/**
 * Capital through the ledger: initial funding of books from account equity and capital drift rebalancing,
 * both as cash transfers recorded in a transfer plan (never trades). The amounts are core's
 * (`resolveAllocations`, `fundBooks`, `planCapitalRebalance`); this module reads the books, records the plan
 * once and applies it exactly once (see plan-runner.ts).
 */
import {
  AllocationInvalidError,
  type BookCapital,
  bookOf,
  type CapitalDrift,
  CapitalPolicy,
  type CashTransfer,
  D,
  DecimalString,
  Flow,
  fundBooks as fundingTransfers,
  normalizeShares,
  POOL_BOOK,
  Prices,
  planCapitalRebalance,
  resolveAllocations,
  StrategyId,
  TradingDay,
  valueBook,
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
    const free = new D(input.accountCash).minus(owned);
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
    for (const s of joining) weights[s.id] = new D(allocations.byStrategy[s.id]!);
    if (members.length > 0) {
      // New capital enters at NAV: each newcomer's weight is its funding, each member's its slice of NAV.
      const pool = await ledger.getBook(POOL_BOOK);
      const nav = new D(valueBook(pool, input.prices ?? {}).nav);
      for (const s of joining) weights[s.id] = weights[s.id]!.times(input.accountEquity);
      for (const id of members) weights[id] = new D(before[id]!).times(nav);
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
  };
  return { status: 'funded', ...(await runPlan(ledger, state, planId, content)) };
};

/** Input of {@link rebalanceCapital}. */
export const RebalanceCapitalInput = z.object({
  policy: CapitalPolicy,
  strategies: Strategies,
  day: TradingDay,
  /** Prices of every symbol any allocated book holds (to value the books). */
  prices: Prices,
  runId: z.string().min(1).optional(),
});
export type RebalanceCapitalInput = z.input<typeof RebalanceCapitalInput>;

/** Result of {@link rebalanceCapital}. */
export interface RebalanceCapitalResult {
  /**
   * `rebalanced`: transfers applied; `within-band`: nothing drifted; `no-cash`: books drifted but no donor
   * had cash to give; `disabled`: books drifted but the policy does not move capital; `already-rebalanced`:
   * the day's capital plan was applied before.
   */
  status: 'rebalanced' | 'within-band' | 'no-cash' | 'disabled' | 'already-rebalanced';
  drifted: CapitalDrift[];
  plan: TransferPlan | null;
}

/**
 * Capital drift rebalancing, at most once per day (`capital:<day>`): values every allocated book at
 * `prices`, and when a book's share of the books' total leaves its band, moves cash between books with
 * core's `planCapitalRebalance` (donors give at most their cash; cents, rounded down).
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
    return { status: 'already-rebalanced', drifted: [], plan: existing };
  }
  const allocations = resolveAllocations(input.policy, input.strategies);
  const capital: Record<BookId, BookCapital> = {};
  for (const bookId of Object.keys(allocations.byBook).sort()) {
    const book = await ledger.getBook(bookId);
    capital[bookId] = { nav: valueBook(book, input.prices).nav, cash: book.cash };
  }
  const r = planCapitalRebalance(allocations.byBook, capital, input.policy.driftBand);
  const drifted = [...r.drifted];
  if (existing) {
    // Resuming this plan after a crash: the record wins over the half-moved books.
    return { status: 'rebalanced', drifted, plan: (await runPlan(ledger, state, planId, existing)).plan };
  }
  if (drifted.length === 0) return { status: 'within-band', drifted, plan: null };
  if (!input.policy.rebalanceCapital) return { status: 'disabled', drifted, plan: null };
  if (r.transfers.length === 0) return { status: 'no-cash', drifted, plan: null };
  const content: PlanContent = {
    day: input.day,
    kind: 'capital',
    reason: `capital drift: ${drifted.map((d) => `${d.bookId} ${d.share} vs ${d.target}`).join(', ')}`,
    ...(input.runId === undefined ? {} : { runId: input.runId }),
    transfers: r.transfers.map((t, i) => cashPlanned(`${planId}:${i}:${t.from}>${t.to}`, t)),
    flowsAfter: {},
    poolSharesBefore: { ...state.poolShares },
    poolSharesAfter: { ...state.poolShares },
  };
  return { status: 'rebalanced', drifted, plan: (await runPlan(ledger, state, planId, content)).plan };
};
