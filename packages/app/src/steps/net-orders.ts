/**
 * NetOrders: netting at the account, between planning and execution. Every plan of the day is recorded by
 * now (each per-book branch that planned, and the pool's); lines of different books that trade one symbol in
 * opposite directions are crossed between the books inside the ledger (core's `crossOrders`: shares from the
 * seller to the buyer, cash back at the as-of price), so only the rest reaches the broker.
 *
 * Exactly once, without transactions: the crosses are decided once and recorded as a transfer plan of kind
 * `netting` (id `<runId>:netting`, recorded even when empty, so a re-run or a reopened day never decides
 * again on books that have traded since), then each transfer is applied once by id and the plan marked
 * APPLIED. Execute and ExecutePool first complete a recorded netting plan that is still PENDING (the
 * ledger's `applyTransferPlan`: NetOrders failed half-way) and then execute their plan's lines less what their
 * book crossed ({@link nettedLines}). A branch planned after the netting (a second run) executes its whole plan.
 */
import {
  bookOf,
  type Cross,
  crossCostBases,
  crossOrders,
  D,
  type NettableLine,
  netLines,
  POOL_BOOK,
  str,
} from '@ensemble/core';
import {
  applyTransferPlan,
  type BookId,
  type BookLedger,
  type ControlLedger,
  type PlanLedger,
  type TransferLedger,
  type TransferPlan,
} from '@ensemble/ledger';
import type { NetOrdersInput, NetOrdersOutput } from '@ensemble/workflow/contract';
import type { StepDeps } from '../step-deps.ts';
import { isEnabledNow } from '../strategies.ts';
import { task } from '../task.ts';

/** The ledger roles netting uses. */
export type NettingLedger = Pick<PlanLedger, 'getPlan'> &
  Pick<BookLedger, 'getBook'> &
  Pick<ControlLedger, 'getKillSwitch'> &
  Pick<
    TransferLedger,
    'getFlowState' | 'recordTransferPlan' | 'getTransferPlan' | 'applyTransfer' | 'markTransferPlanApplied'
  >;

/** The id of a run's netting plan. */
export const nettingPlanId = (runId: string): string => `${runId}:netting`;

export const netOrders = async (
  deps: StepDeps<NettingLedger>,
  input: NetOrdersInput,
): Promise<NetOrdersOutput> => {
  const items = input.branches
    .filter((b) => b.flow === 'per-book' && b.outcome === 'PLANNED')
    .map(({ strategyId, flow }) => ({ strategyId, flow }));
  const { ledger } = deps.ports;
  const planId = nettingPlanId(input.runId);
  const recorded = await ledger.getTransferPlan(planId);
  if (!recorded && (await ledger.getKillSwitch()).enabled) {
    // Nothing trades today (Execute blocks every book): nothing is crossed, nor decided, nor sold.
    return { items, sells: [], poolSells: false, crosses: 0, notional: '0' };
  }
  // A strategy disabled since its run started trades nothing, not even inside the account.
  const traded = items.filter((i) => isEnabledNow(deps.config, i.strategyId));
  const plans = await plansOf(ledger, input, traded);
  const plan = recorded ?? (await recordNetting(deps, input, plans, planId));
  await applyTransferPlan(ledger, plan);
  const crosses = crossesOf(plan);
  const { notional } = nettingOf(plan);
  if (crosses.length > 0)
    deps.observe.logger.info('orders netted at the account', { crosses: crosses.length, notional });
  // The books with a sell left to place after netting: the sells phase runs for them alone.
  const sells = (bookId: BookId) =>
    netLines(bookId, plans.get(bookId) ?? [], crosses).some((l) => l.side === 'sell');
  return {
    items,
    sells: traded.filter((i) => sells(bookOf(i.strategyId))).map((i) => i.strategyId),
    poolSells: plans.has(POOL_BOOK) && sells(POOL_BOOK),
    crosses: crosses.length,
    notional,
  };
};

/** The recorded plan lines of the books that trade today: the branches', and the pool's when it planned. */
const plansOf = async (
  ledger: NettingLedger,
  input: NetOrdersInput,
  traded: readonly { strategyId: string }[],
): Promise<Map<BookId, NettableLine[]>> => {
  const books: BookId[] = [
    ...traded.map((i) => bookOf(i.strategyId)),
    ...(input.pool?.action !== undefined ? [POOL_BOOK] : []),
  ];
  const plans = await Promise.all(books.map(async (b) => [b, await ledger.getPlan(input.runId, b)] as const));
  return new Map(
    plans.map(([bookId, plan]) => [
      bookId,
      (plan?.orders ?? []).flatMap((o) => (o.qty === undefined ? [] : [{ bookId, ...o, qty: o.qty }])),
    ]),
  );
};

/** Decides the day's crosses from the recorded plans and records them (once) as the run's netting plan. */
const recordNetting = async (
  deps: StepDeps<NettingLedger>,
  input: NetOrdersInput,
  plans: ReadonlyMap<BookId, readonly NettableLine[]>,
  planId: string,
): Promise<TransferPlan> => {
  const { ledger } = deps.ports;
  const lines = [...plans.values()].flat();
  const traders = new Set(lines.map((l) => l.bookId));
  const state = await ledger.getFlowState();
  let crosses: Cross[] = [];
  let holdings = new Map<string, { qty: string; costBasis: string }>();
  if (traders.size > 1) {
    const snapshot = await deps.readSnapshot(input.snapshotRef);
    const symbols = new Set(lines.map((l) => l.symbol));
    const prices = Object.fromEntries(
      [...symbols].flatMap((s) => (snapshot.prices[s] === undefined ? [] : [[s, snapshot.prices[s]!]])),
    );
    const bookStates = new Map(
      await Promise.all([...traders].map(async (b) => [b, await ledger.getBook(b)] as const)),
    );
    crosses = crossOrders({
      lines,
      prices,
      cash: Object.fromEntries([...bookStates].map(([b, s]) => [b, s.cash])),
      buyCashBufferBps: deps.settings.rails().buyCashBufferBps,
    });
    holdings = new Map(
      [...bookStates].flatMap(([b, s]) => s.positions.map((p) => [`${b}/${p.symbol}`, p] as const)),
    );
  }
  const costs = crossCostBases(crosses, holdings);
  const recorded = await ledger.recordTransferPlan({
    planId,
    day: input.tradingDay,
    kind: 'netting',
    reason:
      crosses.length === 0
        ? 'netting: no opposite orders between books'
        : `netting: ${crosses.length} cross(es) between books at the as-of prices`,
    runId: input.runId,
    transfers: crosses.flatMap((c, i) => {
      const id = `${planId}:${c.symbol}:${c.seller}>${c.buyer}`;
      return [
        {
          transferId: `${id}:shares`,
          kind: 'position' as const,
          from: c.seller,
          to: c.buyer,
          symbol: c.symbol,
          qty: c.qty,
          amount: costs[i]!,
        },
        { transferId: `${id}:cash`, kind: 'cash' as const, from: c.buyer, to: c.seller, amount: c.amount },
      ];
    }),
    flowsAfter: {},
    poolSharesBefore: state.poolShares,
    poolSharesAfter: state.poolShares,
  });
  if (recorded.status === 'conflict') {
    // Another attempt recorded other crosses first (the books moved in between): its record wins.
    deps.observe.logger.warn('netting plan recorded concurrently: using the recorded one', { planId });
    return recorded.current;
  }
  return recorded.item;
};

/**
 * The crosses a netting plan records: each share transfer (seller → buyer) with the cash transfer that paid
 * for it (`amount`; the pair's ids differ only in their `:shares` / `:cash` ending, as recordNetting writes
 * them).
 */
export const crossesOf = (plan: TransferPlan): Omit<Cross, 'price'>[] =>
  plan.transfers
    .filter((t) => t.kind === 'position')
    .map((t) => {
      const cash = t.transferId.replace(/:shares$/, ':cash');
      const paid = plan.transfers.find((c) => c.kind === 'cash' && c.transferId === cash);
      return {
        symbol: t.symbol ?? '',
        seller: t.from,
        buyer: t.to,
        qty: t.qty ?? '0',
        amount: paid?.amount ?? '0',
      };
    });

/** A netting plan's crosses, counted, and their notional: the cash the buyers paid (the run's summary). */
export const nettingOf = (plan: TransferPlan): { crosses: number; notional: string } => {
  const crosses = crossesOf(plan);
  return { crosses: crosses.length, notional: str(crosses.reduce((s, c) => s.plus(c.amount), new D(0))) };
};

/**
 * A book's plan lines as execution places them: less what the run's netting crossed for the book, after the
 * netting plan is complete. No netting plan (a run before NetOrders, a shadow scope): the lines as planned.
 */
export const nettedLines = async <L extends { readonly symbol: string; readonly side: 'buy' | 'sell' }>(
  ledger: NettingLedger,
  runId: string,
  bookId: BookId,
  lines: readonly (L & { readonly qty?: string })[],
): Promise<L[]> => {
  const plan = await ledger.getTransferPlan(nettingPlanId(runId));
  if (!plan) return [...lines];
  // NetOrders failed half-way: complete its plan before any book trades on its lines.
  await applyTransferPlan(ledger, plan);
  return netLines(bookId, lines, crossesOf(plan));
};

/** The `NetOrders` task. */
export const netOrdersTask = task('NetOrders', netOrders);
