/**
 * Capital policy: how much of the account each book owns. `fixed` takes allocations from config, `equal`
 * splits (1 − reserve) evenly across strategies. A per-book strategy's allocation goes to its book; the
 * allocations of all aggregated strategies add up to the pool's. Allocations may leave cash unallocated
 * but never over-commit the account (sum ≤ 1). Capital only ever moves as cash transfers, never trades.
 */
import * as z from 'zod';
import { byString, CASH_DP, DecimalString, dec, floorTo, ONE, SHARE_DP, str, sum, ZERO } from '../decimal.ts';
import { ConfigInvalidError } from '../errors.ts';
import type { Flow } from '../vocabulary.ts';
import { normalizeShares, type PoolShares } from './attribution.ts';
import { AllocationInvalidError } from './errors.ts';
import { type CashTransfer, UNALLOCATED } from './transfers.ts';
import { type BookId, bookOf, POOL_BOOK, StrategyId } from './types.ts';

const Fraction = DecimalString.refine((s) => dec(s).gte(0) && dec(s).lte(1), 'expected a fraction in [0, 1]');

const DriftSettings = {
  /** Relative band: a book drifts when |share − target| > band × target. @default '0.1' (±10 %) */
  driftBand: Fraction.default('0.1'),
  /** Move cash between books when one drifts out of its band. @default false */
  rebalanceCapital: z.boolean().default(false),
};

/** Capital policy, from config. */
export const CapitalPolicy = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fixed'),
    /** Fraction of account equity per strategy; every strategy needs one; sum ≤ 1. */
    allocations: z.record(StrategyId, Fraction),
    ...DriftSettings,
  }),
  z.object({
    kind: z.literal('equal'),
    /** Fraction of equity kept unallocated. @default '0' */
    reserve: Fraction.default('0'),
    ...DriftSettings,
  }),
]);
export type CapitalPolicy = z.infer<typeof CapitalPolicy>;

/** Parses a capital policy; a bad one is a {@link ConfigInvalidError} listing every issue. */
export const parseCapitalPolicy = (input: unknown): CapitalPolicy => {
  const r = CapitalPolicy.safeParse(input);
  if (!r.success) {
    throw new ConfigInvalidError(
      'invalid capital policy',
      r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return r.data;
};

/** A strategy and how it is traded. */
export interface StrategyFlow {
  readonly id: StrategyId;
  readonly flow: Flow;
}

/** Allocations resolved for the strategies in play. */
export interface Allocations {
  /** Fraction of account equity per strategy. */
  readonly byStrategy: Readonly<Record<StrategyId, DecimalString>>;
  /** Fraction of account equity per book (the pool's is the sum of its members'). */
  readonly byBook: Readonly<Record<BookId, DecimalString>>;
  /** Each aggregated strategy's share of the pool at funding time (sums to 1; empty if no pool). */
  readonly poolShares: PoolShares;
}

/** Resolves a policy against the configured strategies; throws {@link AllocationInvalidError}. */
export const resolveAllocations = (
  policy: CapitalPolicy,
  strategies: readonly StrategyFlow[],
): Allocations => {
  const ids = strategies.map((s) => s.id);
  if (new Set(ids).size !== ids.length) throw new AllocationInvalidError('duplicate strategy ids', ids);
  const byStrategy: Record<StrategyId, DecimalString> = {};
  if (policy.kind === 'fixed') {
    const issues: string[] = [];
    for (const id of ids) if (policy.allocations[id] === undefined) issues.push(`${id}: no allocation`);
    for (const id of Object.keys(policy.allocations))
      if (!ids.includes(id)) issues.push(`${id}: not a strategy`);
    if (issues.length > 0)
      throw new AllocationInvalidError('allocations do not match the strategies', issues);
    for (const id of ids) byStrategy[id] = str(dec(policy.allocations[id]!));
  } else if (ids.length > 0) {
    const each = floorTo(ONE.minus(policy.reserve).div(ids.length), SHARE_DP);
    for (const id of ids) byStrategy[id] = str(each);
  }
  const total = sum(Object.values(byStrategy).map(dec));
  if (total.gt(1)) {
    throw new AllocationInvalidError(`allocations over-commit the account: they sum to ${str(total)} > 1`);
  }
  const byBook: Record<BookId, DecimalString> = {};
  const pool = strategies.filter((s) => s.flow === 'aggregated');
  for (const s of strategies) if (s.flow === 'per-book') byBook[bookOf(s.id)] = byStrategy[s.id]!;
  let poolShares: PoolShares = {};
  if (pool.length > 0) {
    const poolAlloc = sum(pool.map((s) => dec(byStrategy[s.id]!)));
    byBook[POOL_BOOK] = str(poolAlloc);
    poolShares = poolAlloc.isZero()
      ? normalizeShares(Object.fromEntries(pool.map((s) => [s.id, ONE])))
      : normalizeShares(Object.fromEntries(pool.map((s) => [s.id, dec(byStrategy[s.id]!).div(poolAlloc)])));
  }
  return { byStrategy, byBook, poolShares };
};

/** Initial funding of a book: allocation × account equity, rounded down to cents. */
export const initialFunding = (allocation: DecimalString, accountEquity: DecimalString): DecimalString =>
  str(floorTo(dec(allocation).times(accountEquity), CASH_DP));

/**
 * Cash transfers from {@link UNALLOCATED} funding each listed book with {@link initialFunding}
 * (pass only the books being created). Sorted by book id; zero amounts are left out.
 */
export const fundBooks = (
  allocations: Readonly<Record<BookId, DecimalString>>,
  accountEquity: DecimalString,
): CashTransfer[] => {
  const total = sum(Object.values(allocations).map(dec));
  if (total.gt(1)) throw new AllocationInvalidError(`allocations over-commit the account: ${str(total)} > 1`);
  if (dec(accountEquity).lt(0))
    throw new AllocationInvalidError(`account equity ${accountEquity} is negative`);
  return Object.keys(allocations)
    .sort(byString)
    .map(
      (bookId): CashTransfer => ({
        kind: 'cash',
        from: UNALLOCATED,
        to: bookId,
        amount: initialFunding(allocations[bookId]!, accountEquity),
      }),
    )
    .filter((t) => dec(t.amount).gt(0));
};

/** A book's capital as of now. */
export interface BookCapital {
  /** Net asset value (see `valueBook`). */
  readonly nav: DecimalString;
  /** Cash the book could give away. */
  readonly cash: DecimalString;
}

/** A book whose share of total equity left its band. */
export interface CapitalDrift {
  readonly bookId: BookId;
  readonly share: DecimalString;
  readonly target: DecimalString;
}

/** The result of a capital drift check. */
export interface CapitalRebalance {
  /** Books outside their band (empty: nothing to do). */
  readonly drifted: readonly CapitalDrift[];
  /** Cash transfers from over- to under-allocated books (empty if nothing drifted). */
  readonly transfers: readonly CashTransfer[];
}

/**
 * Capital drift rebalancing. Shares are measured among the books only: share = nav / Σ nav, target =
 * allocation / Σ allocation (unallocated cash plays no part). If any book's share leaves
 * `target ± band × target`, every book is brought back towards its target with cash only: a donor gives at
 * most its excess and at most its cash (so a fully invested book gives less, and the rebalance is partial);
 * amounts are rounded down to cents; donors and receivers are matched in book-id order.
 */
export const planCapitalRebalance = (
  allocations: Readonly<Record<BookId, DecimalString>>,
  books: Readonly<Record<BookId, BookCapital>>,
  band: DecimalString = '0.1',
): CapitalRebalance => {
  const ids = Object.keys(allocations).sort(byString);
  const issues = [
    ...ids.filter((id) => books[id] === undefined).map((id) => `${id}: allocated but no book`),
    ...Object.keys(books)
      .filter((id) => allocations[id] === undefined)
      .map((id) => `${id}: book without allocation`),
  ];
  if (issues.length > 0) throw new AllocationInvalidError('allocations and books differ', issues);
  const totalNav = sum(ids.map((id) => dec(books[id]!.nav)));
  const totalAlloc = sum(ids.map((id) => dec(allocations[id]!)));
  if (totalNav.lte(0) || totalAlloc.lte(0)) return { drifted: [], transfers: [] };
  const rows = ids.map((id) => {
    const share = dec(books[id]!.nav).div(totalNav);
    const target = dec(allocations[id]!).div(totalAlloc);
    return { id, share, target, excess: dec(books[id]!.nav).minus(target.times(totalNav)) };
  });
  const drifted = rows
    .filter((r) => r.share.minus(r.target).abs().gt(r.target.times(band)))
    .map((r) => ({ bookId: r.id, share: str(r.share), target: str(r.target) }));
  if (drifted.length === 0) return { drifted, transfers: [] };

  const donors = rows
    .filter((r) => r.excess.gt(0))
    .map((r) => ({ id: r.id, left: floorTo(minD(r.excess, maxD(dec(books[r.id]!.cash), ZERO)), CASH_DP) }));
  const receivers = rows
    .filter((r) => r.excess.lt(0))
    .map((r) => ({ id: r.id, left: floorTo(r.excess.neg(), CASH_DP) }));
  const transfers: CashTransfer[] = [];
  let i = 0;
  let j = 0;
  while (i < donors.length && j < receivers.length) {
    const d = donors[i]!;
    const r = receivers[j]!;
    const amount = minD(d.left, r.left);
    if (amount.gt(0)) transfers.push({ kind: 'cash', from: d.id, to: r.id, amount: str(amount) });
    d.left = d.left.minus(amount);
    r.left = r.left.minus(amount);
    if (d.left.lte(0)) i++;
    if (r.left.lte(0)) j++;
  }
  return { drifted, transfers };
};

const minD = (a: ReturnType<typeof dec>, b: ReturnType<typeof dec>) => (a.lt(b) ? a : b);
const maxD = (a: ReturnType<typeof dec>, b: ReturnType<typeof dec>) => (a.gt(b) ? a : b);
