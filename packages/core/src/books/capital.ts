/**
 * Capital policy: how much of the account each book owns. `fixed` takes allocations from config, `equal`
 * splits (1 − reserve) evenly across strategies. A per-book strategy's allocation goes to its book; the
 * allocations of all aggregated strategies add up to the pool's. Allocations may leave cash unallocated
 * but never over-commit the account (sum ≤ 1). Capital moves between books as ledger transfers (cash first,
 * then slices of positions), never trades.
 */
import * as z from 'zod';
import {
  byString,
  CASH_DP,
  D,
  type D as Dec,
  DecimalString,
  dec,
  floorTo,
  ONE,
  QTY_DP,
  SHARE_DP,
  str,
  sum,
  ZERO,
} from '../decimal.ts';
import { ConfigInvalidError } from '../errors.ts';
import type { Flow } from '../vocabulary.ts';
import { normalizeShares, type PoolShares } from './attribution.ts';
import { proRataCost } from './cost-basis.ts';
import { AllocationInvalidError } from './errors.ts';
import { type Prices, requirePrice } from './prices.ts';
import { type CashTransfer, type PositionTransfer, UNALLOCATED } from './transfers.ts';
import { type BookId, type BookState, bookOf, POOL_BOOK, StrategyId } from './types.ts';

const Fraction = DecimalString.refine((s) => dec(s).gte(0) && dec(s).lte(1), 'expected a fraction in [0, 1]');

const DriftSettings = {
  /**
   * The capital band, relative: a book drifts when |share − target| > band × target (not the pool's
   * corridor, which is in absolute weight points and decides when the pool trades). @default '0.1' (±10 %)
   */
  capitalBand: Fraction.default('0.1'),
  /** Move capital between books when one drifts out of its band. @default false */
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

/** A book whose capital left its band. */
export interface CapitalDrift {
  readonly bookId: BookId;
  /** The book's share of the capital (its NAV over the total). */
  readonly share: DecimalString;
  /** Its target share. */
  readonly target: DecimalString;
}

/** Value a donor book still owes a receiver book beyond its cash: moved as a slice of its positions. */
export interface PositionMove {
  readonly from: BookId;
  readonly to: BookId;
  /** USD, rounded down to cents. */
  readonly amount: DecimalString;
}

/** The result of a capital drift check. */
export interface CapitalRebalance {
  /** Books outside their band (empty: nothing to do, unless forced). */
  readonly drifted: readonly CapitalDrift[];
  /** Cash transfers from over- to under-allocated books (first). */
  readonly transfers: readonly CashTransfer[];
  /** Value to move as positions where a donor has too little cash (see `positionSlices`). */
  readonly moves: readonly PositionMove[];
  /** Value still owed after cash and position moves (to `unallocated`, which takes cash only), USD. */
  readonly unmet: DecimalString;
}

/**
 * The smallest value moved as a slice of positions (USD): a smaller one would hand the receiver dust to sell
 * (under the planner's minimum trade it would stay in its book). Below it, the debt waits for cash.
 */
export const MIN_POSITION_MOVE = new D(100);

/** Options of {@link planCapitalRebalance}. */
export interface CapitalRebalanceOptions {
  /**
   * The cash no book owns. When given, it is part of the capital the allocations divide (its target is what
   * the allocations leave, `1 − Σ allocations`): it gives its cash above that and takes back what books hold
   * over theirs (cash only). Without it, shares are measured among the books only.
   */
  readonly unallocatedCash?: DecimalString;
  /** Bring every book to its target whatever the band (the allocations changed). @default false */
  readonly force?: boolean;
}

/**
 * Capital drift rebalancing. Each book's target is its allocation of the capital: `allocation / Σ allocations`
 * of the books' total NAV or, with `unallocatedCash`, `allocation × (Σ NAV + unallocated cash)`. When any
 * book's NAV leaves `target ± band × target` (relative: with 0.1 a 50 % book may move between 45 % and 55 %),
 * or when `force`d, every book is brought to its target:
 *  1. **cash first**: a donor gives at most its excess and at most its cash, rounded down to cents; donors
 *     and receivers are matched furthest from their target first (relative; ties in id order);
 *  2. **then positions**: what a donor outside its band (any donor, when forced) still owes a receiver book
 *     is a {@link PositionMove} (a slice of its positions, `positionSlices`; at least
 *     {@link MIN_POSITION_MOVE}), matched the same way. A donor inside its band gives cash only; `unallocated`
 *     takes cash only, so what it is still owed after that is `unmet` (it comes back as cash, later).
 */
export const planCapitalRebalance = (
  allocations: Readonly<Record<BookId, DecimalString>>,
  books: Readonly<Record<BookId, BookCapital>>,
  band: DecimalString = '0.1',
  options: CapitalRebalanceOptions = {},
): CapitalRebalance => {
  const ids = Object.keys(allocations).sort(byString);
  const issues = [
    ...ids.filter((id) => books[id] === undefined).map((id) => `${id}: allocated but no book`),
    ...Object.keys(books)
      .filter((id) => allocations[id] === undefined)
      .map((id) => `${id}: book without allocation`),
  ];
  if (issues.length > 0) throw new AllocationInvalidError('allocations and books differ', issues);
  const none: CapitalRebalance = { drifted: [], transfers: [], moves: [], unmet: '0' };
  const totalAlloc = sum(ids.map((id) => dec(allocations[id]!)));
  const free = options.unallocatedCash === undefined ? undefined : maxD(dec(options.unallocatedCash), ZERO);
  const total = sum(ids.map((id) => dec(books[id]!.nav))).plus(free ?? ZERO);
  if (total.lte(0) || totalAlloc.lte(0)) return none;
  const fractionOf = (id: string) =>
    free === undefined ? dec(allocations[id]!).div(totalAlloc) : dec(allocations[id]!);
  const rows = ids.map((id) => {
    const target = fractionOf(id);
    return { id, nav: dec(books[id]!.nav), cash: dec(books[id]!.cash), target };
  });
  if (free !== undefined) {
    rows.push({ id: UNALLOCATED, nav: free, cash: free, target: maxD(ONE.minus(totalAlloc), ZERO) });
    rows.sort((a, b) => byString(a.id, b.id));
  }
  const drifted = rows
    .filter((r) => r.id !== UNALLOCATED)
    .filter((r) => r.nav.div(total).minus(r.target).abs().gt(r.target.times(band)))
    .map((r) => ({ bookId: r.id, share: str(r.nav.div(total)), target: str(r.target) }));
  if (drifted.length === 0 && !options.force) return { ...none, drifted };

  const excess = (r: (typeof rows)[number]) => r.nav.minus(r.target.times(total));
  // The furthest from its target (relative) first, so the books that drifted most are settled first.
  const relative = (r: (typeof rows)[number]) =>
    excess(r)
      .abs()
      .div(maxD(r.target.times(total), dec('0.01')));
  const furthest = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
    relative(b).comparedTo(relative(a)) || byString(a.id, b.id);
  const outside = new Set(drifted.map((d) => d.bookId));
  const donors = rows
    .filter((r) => excess(r).gt(0))
    .sort(furthest)
    .map((r) => {
      const owed = floorTo(excess(r), CASH_DP);
      const cash = floorTo(minD(owed, maxD(r.cash, ZERO)), CASH_DP);
      // Positions move only from a book outside its band (or any, when forced): a book inside it gives cash.
      const slices = r.id !== UNALLOCATED && (options.force || outside.has(r.id));
      return { id: r.id, cash, beyond: slices ? owed.minus(cash) : ZERO };
    });
  const receivers = rows
    .filter((r) => excess(r).lt(0))
    .sort(furthest)
    .map((r) => ({ id: r.id, left: floorTo(excess(r).neg(), CASH_DP) }));
  const transfers: CashTransfer[] = [];
  for (const d of donors) {
    for (const r of receivers) {
      const amount = minD(d.cash, r.left);
      if (amount.lte(0)) continue;
      transfers.push({ kind: 'cash', from: d.id, to: r.id, amount: str(amount) });
      d.cash = d.cash.minus(amount);
      r.left = r.left.minus(amount);
    }
  }
  const moves: PositionMove[] = [];
  for (const d of donors) {
    for (const r of receivers.filter((x) => x.id !== UNALLOCATED)) {
      const amount = minD(d.beyond, r.left);
      if (amount.lt(MIN_POSITION_MOVE)) continue;
      moves.push({ from: d.id, to: r.id, amount: str(amount) });
      d.beyond = d.beyond.minus(amount);
      r.left = r.left.minus(amount);
    }
  }
  const unmet = sum(receivers.map((r) => r.left));
  return { drifted, transfers, moves, unmet: str(unmet) };
};

/**
 * A slice of `book`'s positions worth at most `amount` at `prices`, as position transfers to `to`: the same
 * fraction of every position (`amount / positions value`, at most 1), quantities rounded down to 9 decimals
 * (whole shares for `nonFractionable` symbols), cost basis pro rata rounded down to cents. The donor's weights
 * do not change (it keeps the same mix); the receiver's next plan trades what it does not target.
 */
export const positionSlices = (
  book: BookState,
  prices: Prices,
  amount: DecimalString,
  to: BookId,
  nonFractionable: ReadonlySet<string> = new Set(),
): PositionTransfer[] => {
  const held = [...book.positions]
    .filter((h) => dec(h.qty).gt(0))
    .sort((a, b) => byString(a.symbol, b.symbol));
  const value = sum(held.map((h) => dec(h.qty).times(requirePrice(prices, h.symbol))));
  if (value.lte(0) || dec(amount).lte(0)) return [];
  const f = minD(dec(amount).div(value), ONE);
  const out: PositionTransfer[] = [];
  for (const h of held) {
    const qty = dec(h.qty);
    const moved = floorTo(qty.times(f), nonFractionable.has(h.symbol) ? 0 : QTY_DP);
    if (moved.lte(0)) continue;
    const cost = dec(h.costBasis);
    const movedCost = proRataCost(cost, moved, qty);
    out.push({
      kind: 'position',
      from: book.bookId,
      to,
      symbol: h.symbol,
      qty: str(moved),
      costBasis: str(movedCost),
    });
  }
  return out;
};

const minD = (a: Dec, b: Dec) => (a.lt(b) ? a : b);
const maxD = (a: Dec, b: Dec) => (a.gt(b) ? a : b);
