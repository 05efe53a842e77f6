/**
 * Execute and ExecutePool: the recorded plan of a book → `@ensemble/execution`'s executePlan (exactly-once
 * orders by deterministic client order id, sells then buys, leases, rails) → the branch's outcome, recorded
 * once per strategy. ExecutePool records the pool's outcome for every pool member. A retry or redrive runs
 * executePlan again with the same recorded plan: it adopts the orders it placed before.
 */
import { bookOf, ErrorNames, POOL_BOOK } from '@ensemble/core';
import {
  type ExecuteResult,
  type FaultInjector as ExecutionFaults,
  type ExecutionLedger,
  executePlan,
} from '@ensemble/execution';
import type { BookId, Flow, PlanLedger, RunLedger, SignalLedger, TransferLedger } from '@ensemble/ledger';
import type { BranchInput, ExecuteOutput, RunRef } from '@ensemble/workflow/contract';
import { Decimal } from 'decimal.js';
import { RunNotActiveError, StepOrderError } from '../errors.ts';
import type { FaultInjector } from '../ports.ts';
import type { StepDeps } from '../step-deps.ts';
import { task } from '../task.ts';
import { poolMembers } from './pool.ts';

/** The ledger roles Execute and ExecutePool uses. */
type Ledger = RunLedger &
  PlanLedger &
  ExecutionLedger &
  Pick<TransferLedger, 'getFlowState'> &
  Pick<SignalLedger, 'getSignal'>;

export const execute = async (deps: StepDeps<Ledger>, input: BranchInput): Promise<ExecuteOutput> => {
  const started = deps.ports.clock.now().toISOString();
  const result = await executeBook(deps, input, bookOf(input.strategyId), input.flow, {
    step: 'execute',
    scope: input.strategyId,
  });
  await recordOutcome(deps, input, [input.strategyId], input.flow, result, started);
  return output(result);
};

export const executePool = async (deps: StepDeps<Ledger>, input: RunRef): Promise<ExecuteOutput> => {
  const started = deps.ports.clock.now().toISOString();
  const members = await poolMembers(deps.ports.ledger, input.runId);
  const result = await executeBook(deps, input, POOL_BOOK, 'aggregated', {
    step: 'execute-pool',
    scope: 'pool',
  });
  // Members without a signal already have their FAILED/BLOCKED outcome (RecordBranchFailure).
  const ids = Object.keys(members.targets).sort();
  await recordOutcome(deps, input, ids, 'aggregated', result, started);
  return output(result);
};

const executeBook = async (
  deps: StepDeps<Ledger>,
  run: RunRef,
  bookId: BookId,
  flow: Flow,
  fault: { step: string; scope: string },
): Promise<ExecuteResult> => {
  const { ledger, broker, clock } = deps.ports;
  const runRecord = await ledger.getRun(run.runId);
  // RUNNING, or FAILED and being redriven (a new execution of a finished day never gets here: PrepareRun skips).
  if (runRecord?.status !== 'RUNNING' && runRecord?.status !== 'FAILED')
    throw new RunNotActiveError(run.runId, runRecord?.status ?? null);
  const plan = await ledger.getPlan(run.runId, bookId);
  if (!plan) throw new StepOrderError(`no plan of ${bookId} in run ${run.runId}: plan first`);
  const snapshot = await deps.readSnapshot(run.snapshotRef);
  const prices = Object.fromEntries(
    plan.orders
      .map((o) => o.symbol)
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
      ...(runRecord.equity ? { equityAtRunStart: runRecord.equity } : {}),
      ...(deps.observe.fault ? { fault: faultsOf(deps.observe.fault, fault.step, fault.scope) } : {}),
    },
    {
      runId: run.runId,
      tradingDay: run.tradingDay,
      stage: run.stage,
      bookId,
      flow,
      ...(bookId === POOL_BOOK ? {} : { strategyId: bookId.slice('strategy#'.length) }),
      asOf: run.tradingDay,
      lines: plan.orders,
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

const recordOutcome = async (
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
    if (r.status === 'conflict' && r.current.outcome === 'FAILED' && result.outcome !== 'FAILED') {
      // A redrive completed a branch an earlier attempt recorded as FAILED.
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

const output = (result: ExecuteResult): ExecuteOutput => ({
  outcome: result.outcome,
  orders: result.orders.length,
  filled: result.orders.filter((o) => new Decimal(o.filledQty).gt(0)).length,
  ...(result.rail ? { rail: result.rail } : {}),
});

/** The `Execute` task. */
export const executeTask = task('Execute', execute);

/** The `ExecutePool` task. */
export const executePoolTask = task('ExecutePool', executePool);
