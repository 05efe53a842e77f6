/**
 * Execute and ExecutePool: the recorded plan of a book, less what NetOrders crossed with other books
 * (net-orders.ts) → `@ensemble/execution`'s executePlan (exactly-once
 * orders by deterministic client order id, sells then buys, leases, rails) → the branch's outcome, recorded
 * once per strategy. ExecutePool records the pool's outcome for every pool member. A retry or redrive runs
 * executePlan again with the same recorded plan: it adopts the orders it placed before. `executeBook` takes
 * its broker as an argument: these steps give it the account's, shadow mode's Shadow step its paper broker.
 */
import { type Broker, bookOf, ErrorNames, POOL_BOOK } from '@ensemble/core';
import {
  type ExecuteDeps,
  type ExecuteResult,
  type FaultInjector as ExecutionFaults,
  type ExecutionLedger,
  executePlan,
} from '@ensemble/execution';
import type {
  BookId,
  Flow,
  PlanLedger,
  RunEquity,
  RunLedger,
  SignalLedger,
  TransferLedger,
} from '@ensemble/ledger';
import type {
  BranchExecuteOutput,
  ExecuteOutput,
  ExecutePoolTaskInput,
  ExecuteTaskInput,
  RunRef,
} from '@ensemble/workflow/contract';
import { Decimal } from 'decimal.js';
import { StepOrderError } from '../errors.ts';
import type { FaultInjector } from '../ports.ts';
import type { StepDeps } from '../step-deps.ts';
import { isEnabledNow } from '../strategies.ts';
import { task } from '../task.ts';
import { activeRun } from './active-run.ts';
import { type NettingLedger, nettedLines } from './net-orders.ts';
import { poolMembers } from './pool.ts';

/** The ledger roles Execute and ExecutePool uses. */
type Ledger = RunLedger &
  PlanLedger &
  ExecutionLedger &
  NettingLedger &
  Pick<TransferLedger, 'getFlowState'> &
  Pick<SignalLedger, 'getSignal'>;

/**
 * Execute: the book's plan less what was crossed; its output names the branch (it ends the execution Map's
 * iteration). `phase: sells` places the sells only and records no outcome (the full Execute after it does).
 */
export const execute = async (
  deps: StepDeps<Ledger>,
  input: ExecuteTaskInput,
): Promise<BranchExecuteOutput> => {
  const started = deps.ports.clock.now().toISOString();
  const disabled = isEnabledNow(deps.config, input.strategyId)
    ? undefined
    : {
        rail: 'strategy-disabled' as const,
        reason: `${input.strategyId} was disabled since the run started: no new order (orders already at the broker are followed and booked)`,
      };
  const run = await activeRun(deps.ports.ledger, input.runId);
  const sellsOnly = input.phase === 'sells';
  const result = await executeBook(deps, deps.ports.broker, input, bookOf(input.strategyId), input.flow, {
    step: 'execute',
    scope: input.strategyId,
    ...(run.equity ? { equity: run.equity } : {}),
    ...(disabled ? { halt: disabled } : {}),
    ...(sellsOnly ? { sellsOnly } : {}),
  });
  if (!sellsOnly) await recordOutcome(deps, input, [input.strategyId], input.flow, result, started);
  return { ...output(result), strategyId: input.strategyId, flow: input.flow };
};

/** ExecutePool: the pool's plan less what was crossed; `phase: sells` as Execute's. */
export const executePool = async (
  deps: StepDeps<Ledger>,
  input: ExecutePoolTaskInput,
): Promise<ExecuteOutput> => {
  const started = deps.ports.clock.now().toISOString();
  const members = await poolMembers(deps.ports.ledger, input.runId);
  const run = await activeRun(deps.ports.ledger, input.runId);
  const sellsOnly = input.phase === 'sells';
  const result = await executeBook(deps, deps.ports.broker, input, POOL_BOOK, 'aggregated', {
    step: 'execute-pool',
    scope: 'pool',
    ...(run.equity ? { equity: run.equity } : {}),
    ...(sellsOnly ? { sellsOnly } : {}),
  });
  if (sellsOnly) return output(result);
  // Members without a signal already have their FAILED/BLOCKED outcome (RecordBranchFailure).
  const ids = Object.keys(members.targets).sort();
  await recordOutcome(deps, input, ids, 'aggregated', result, started);
  return output(result);
};

/** How {@link executeBook} reports and guards: its fault points' step and scope, the run's equity comparison. */
export interface ExecuteBookOptions {
  readonly step: string;
  readonly scope: string;
  /** The run's equity comparison (the equity breaker reads it). @default computed by execution */
  readonly equity?: RunEquity;
  /**
   * A strategy disabled since its run started: no new order is placed (orders already at the broker are
   * followed and booked), and a book with no plan has nothing at the broker to follow: it is BLOCKED at once.
   */
  readonly halt?: ExecuteDeps['halt'];
  /** The sells only (the first execution phase). @default false */
  readonly sellsOnly?: boolean;
}

/**
 * The recorded plan of a book, executed through `broker` (the account's in Execute and ExecutePool; shadow
 * mode's paper broker in the Shadow step). The caller has checked that the run may trade ({@link activeRun}).
 */
export const executeBook = async (
  deps: StepDeps<Ledger>,
  broker: Broker,
  run: RunRef,
  bookId: BookId,
  flow: Flow,
  options: ExecuteBookOptions,
): Promise<ExecuteResult> => {
  const { ledger, clock } = deps.ports;
  const plan = await ledger.getPlan(run.runId, bookId);
  const { halt } = options;
  if (!plan && halt)
    return { outcome: 'BLOCKED', rail: halt.rail, reason: halt.reason, orders: [], skipped: [] };
  if (!plan) throw new StepOrderError(`no plan of ${bookId} in run ${run.runId}: plan first`);
  // What the run's netting crossed with other books is no longer this book's to trade at the broker.
  const lines = await nettedLines(ledger, run.runId, bookId, plan.orders);
  if (options.sellsOnly && !lines.some((l) => l.side === 'sell')) {
    return { outcome: 'ALL_HOLD', reason: 'no sell to place', orders: [], skipped: [] };
  }
  const snapshot = await deps.readSnapshot(run.snapshotRef);
  // The plan's symbols, and the book's holdings (its limits are multiples of its NAV); a plan without orders
  // holds, and needs no price.
  const held = lines.length === 0 ? [] : (await ledger.getBook(bookId)).positions.map((p) => p.symbol);
  const prices = Object.fromEntries(
    [...new Set([...plan.orders.map((o) => o.symbol), ...held])]
      .filter((s) => snapshot.prices[s] !== undefined)
      .map((s) => [s, { price: snapshot.prices[s]!, session: run.tradingDay }]),
  );
  return executePlan(
    {
      ledger,
      broker,
      clock: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      rails: deps.settings.rails(),
      leaseHolder: `${run.runId}/${bookId}`,
      ...(options.equity ? { equityAtRunStart: options.equity } : {}),
      ...(options.halt ? { halt: options.halt } : {}),
      ...(options.sellsOnly ? { sellsOnly: true } : {}),
      ...(deps.observe.fault ? { fault: faultsOf(deps.observe.fault, options.step, options.scope) } : {}),
    },
    {
      runId: run.runId,
      tradingDay: run.tradingDay,
      stage: run.stage,
      bookId,
      flow,
      ...(bookId === POOL_BOOK ? {} : { strategyId: bookId.slice('strategy#'.length) }),
      asOf: run.tradingDay,
      lines,
      ...(plan.nav === undefined ? {} : { bookNav: plan.nav }),
      prices,
    },
  );
};

/** Adapts the step's fault hook to execution's points (`after-fill` also fires at `after-fill-record`). */
const faultsOf = (fault: FaultInjector, step: string, strategyId: string): ExecutionFaults => ({
  at(point) {
    fault({ step, strategyId, point });
    if (point === 'after-fill-record') fault({ step, strategyId, point: 'after-fill' });
  },
});

/** Records each strategy's outcome of a book's execution, once (a redrive may replace a FAILED one). */
export const recordOutcome = async (
  deps: StepDeps<Ledger>,
  run: RunRef,
  strategyIds: readonly string[],
  flow: Flow,
  result: ExecuteResult,
  startedAt: string,
): Promise<void> => {
  const finishedAt = deps.ports.clock.now().toISOString();
  const error =
    result.outcome === 'BLOCKED' || result.outcome === 'FAILED'
      ? { name: result.rail ? ErrorNames.RailTripped : ErrorNames.NoFill, message: result.reason }
      : undefined;
  for (const strategyId of strategyIds) {
    const record = {
      runId: run.runId,
      tradingDay: run.tradingDay,
      strategyId,
      flow,
      outcome: result.outcome,
      ...(error ? { error } : {}),
      startedAt,
      finishedAt,
    };
    const r = await deps.ports.ledger.recordStrategyRun(record);
    if (r.status === 'conflict' && supersedes(r.current.outcome, result.outcome)) {
      // A redrive completed a branch an earlier attempt recorded as FAILED, or a reopened day traded a
      // branch a lifted kill switch had BLOCKED.
      await deps.ports.ledger.supersedeFailedStrategyRun(record);
    } else if (r.status === 'conflict') {
      deps.observe.logger.warn('strategy outcome already recorded', {
        strategyId,
        recorded: r.current.outcome,
        now: result.outcome,
      });
    }
  }
};

/** A later attempt's outcome replaces a recorded FAILED one, and a BLOCKED one once it traded or held. */
const supersedes = (recorded: string, now: string): boolean =>
  (recorded === 'FAILED' && now !== 'FAILED') ||
  (recorded === 'BLOCKED' && (now === 'TRADED' || now === 'ALL_HOLD'));

/** A step's output of an execution's result. */
export const output = (result: ExecuteResult): ExecuteOutput => ({
  outcome: result.outcome,
  orders: result.orders.length,
  filled: result.orders.filter((o) => new Decimal(o.filledQty).gt(0)).length,
  ...(result.rail ? { rail: result.rail } : {}),
});

/** The `Execute` task. */
export const executeTask = task('Execute', execute);

/** The `ExecutePool` task. */
export const executePoolTask = task('ExecutePool', executePool);
