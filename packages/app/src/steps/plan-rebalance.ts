/**
 * PlanRebalance (per-book strategies): the strategy's signal + its book + the snapshot's prices of D + the
 * broker's asset facts → core's planRebalance → the plan recorded once for (run, book). A recorded plan is
 * the truth: a retry or redrive returns it instead of planning again against a book that may have traded.
 */
import {
  type AssetFacts,
  type Broker,
  bookOf,
  type Plan,
  planRebalance,
  type Schedule,
} from '@ensemble/core';
import {
  allPages,
  type BookLedger,
  type PlanLedger,
  plannedOrderOf,
  type SignalLedger,
} from '@ensemble/ledger';
import type { BranchInput, PlanOutput, PlanRebalanceOutput } from '@ensemble/workflow/contract';
import { RecordConflictError, StepOrderError } from '../errors.ts';
import type { LoadedSnapshot } from '../market-snapshot.ts';
import type { StepDeps } from '../step-deps.ts';
import { isDisabledNow, strategyOf } from '../strategies.ts';
import { task } from '../task.ts';

/** The ledger roles PlanRebalance uses. */
type Ledger = PlanLedger & SignalLedger & BookLedger;

/** PlanRebalance: the book's plan, recorded once; its output names the branch (it ends the planning Map's iteration). */
export const planRebalanceStep = async (
  deps: StepDeps<Ledger>,
  input: BranchInput,
): Promise<PlanRebalanceOutput> => ({
  ...(await planBook(deps, deps.ports.broker, input)),
  strategyId: input.strategyId,
  flow: input.flow,
});

/**
 * PlanRebalance's work, with the broker whose asset facts it plans with given explicitly (the account's
 * broker in PlanRebalance; shadow mode's paper broker in the Shadow step).
 */
export const planBook = async (
  deps: StepDeps<Ledger>,
  broker: Broker,
  input: BranchInput,
): Promise<PlanOutput> => {
  const { ledger } = deps.ports;
  const { config } = deps;
  const bookId = bookOf(input.strategyId);
  const recorded = await ledger.getPlan(input.runId, bookId);
  if (recorded) return planOutput(recorded.orders.length);
  // Disabled since its run started: nothing is planned (Execute records it BLOCKED).
  if (isDisabledNow(config, input.strategyId)) return planOutput(0);

  const strategy = strategyOf(config, input.strategyId);
  const signal = await ledger.getSignal(input.runId, input.strategyId);
  if (!signal)
    throw new StepOrderError(`no signal of ${input.strategyId} in run ${input.runId}: Evaluate first`);
  const book = await ledger.getBook(bookId);
  const settings = deps.settings.book(strategy);
  const snapshot = await deps.readSnapshot(input.snapshotRef);
  const symbols = [...book.positions.map((p) => p.symbol), ...Object.keys(signal.weights)];
  const plan = planRebalance({
    book,
    targets: signal.weights,
    prices: pricesFor(snapshot, symbols),
    assets: await assetFacts(broker, symbols),
    settings,
    schedule: await scheduleOf(ledger, bookId, input.tradingDay, settings.rebalance),
  });
  await recordPlan(ledger, input, plan);
  return planOutput(plan.lines.length);
};

/** The output of a plan with `orders` lines. */
export const planOutput = (orders: number): PlanOutput => ({
  action: orders > 0 ? 'rebalance' : 'hold',
  orders,
});

/** Prices of D for `symbols` that have one (the planner fails closed on any it needs and lacks). */
export const pricesFor = (snapshot: LoadedSnapshot, symbols: Iterable<string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const s of new Set(symbols)) {
    const p = snapshot.prices[s];
    if (p !== undefined) out[s] = p;
  }
  return out;
};

/** The broker's facts of `symbols` (unknown symbols are absent: the planner fails closed on them). */
export const assetFacts = async (
  broker: Broker,
  symbols: Iterable<string>,
): Promise<Record<string, AssetFacts>> => {
  const wanted = [...new Set(symbols)].sort();
  if (wanted.length === 0) return {};
  return Object.fromEntries(await broker.getAssets(wanted));
};

/** The schedule for frequency policies that need it: the last day the book had a plan with orders. */
export const scheduleOf = async (
  ledger: Pick<PlanLedger, 'listPlansOfBook'>,
  bookId: Plan['bookId'],
  tradingDay: string,
  rebalance: { kind: string; frequency?: string },
): Promise<Schedule | undefined> => {
  if (rebalance.kind !== 'frequency' || rebalance.frequency === 'daily' || rebalance.frequency === 'none') {
    return undefined;
  }
  const plans = await allPages((o) => ledger.listPlansOfBook(bookId, { ...o, to: tradingDay }));
  const last = plans
    .filter((p) => p.tradingDay < tradingDay && p.orders.length > 0)
    .map((p) => p.tradingDay)
    .sort()
    .at(-1);
  return last === undefined ? { asOf: tradingDay } : { asOf: tradingDay, lastRebalancedOn: last };
};

/**
 * Records a core plan as the ledger's Plan of (run, book): one order per line, with its qty, price, notional
 * and reason, and the book's NAV it was made against.
 */
export const recordPlan = async (
  ledger: Pick<PlanLedger, 'recordPlan'>,
  run: { runId: string; tradingDay: string },
  plan: Plan,
): Promise<void> => {
  const r = await ledger.recordPlan({
    runId: run.runId,
    tradingDay: run.tradingDay,
    bookId: plan.bookId,
    nav: plan.nav,
    orders: plan.lines.map(plannedOrderOf),
  });
  if (r.status === 'conflict') throw new RecordConflictError('plan', `${run.runId}/${plan.bookId}`);
};

/** The `PlanRebalance` task. */
export const planRebalanceTask = task('PlanRebalance', planRebalanceStep);
