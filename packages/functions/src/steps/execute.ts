/**
 * Execute and ExecutePool: the recorded plan of a book → `@ensemble/execution`'s executePlan (exactly-once
 * orders by deterministic client order id, sells then buys, leases, rails) → the branch's outcome, recorded
 * once per strategy. ExecutePool records the pool's outcome for every pool member. A retry or redrive runs
 * executePlan again with the same recorded plan: it adopts the orders it placed before.
 */
import { bookOf, ErrorNames, POOL_BOOK } from '@ensemble/core';
import { type ExecuteResult, type FaultInjector as ExecutionFaults, executePlan } from '@ensemble/execution';
import type { BookId, Flow } from '@ensemble/ledger';
import { Decimal } from 'decimal.js';
import type { BranchInput, ExecuteOutput, RunRef } from '../contract.ts';
import { RunNotActiveError, StepOrderError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { StepDeps } from './deps.ts';
import { poolMembers } from './pool.ts';

export const execute = async (deps: StepDeps, input: BranchInput): Promise<ExecuteOutput> => {
  const started = deps.runtime.clock().toISOString();
  const result = await executeBook(deps, input, bookOf(input.strategyId), input.flow, {
    step: 'execute',
    scope: input.strategyId,
  });
  await recordOutcome(deps.runtime, input, [input.strategyId], input.flow, result, started);
  return output(result);
};

export const executePool = async (deps: StepDeps, input: RunRef): Promise<ExecuteOutput> => {
  const started = deps.runtime.clock().toISOString();
  const members = await poolMembers(deps.runtime.ledger, input.runId);
  const result = await executeBook(deps, input, POOL_BOOK, 'aggregated', {
    step: 'execute-pool',
    scope: 'pool',
  });
  // Members without a signal already have their FAILED/BLOCKED outcome (RecordBranchFailure).
  const ids = Object.keys(members.targets).sort();
  await recordOutcome(deps.runtime, input, ids, 'aggregated', result, started);
  return output(result);
};

const executeBook = async (
  deps: StepDeps,
  run: RunRef,
  bookId: BookId,
  flow: Flow,
  fault: { step: string; scope: string },
): Promise<ExecuteResult> => {
  const { runtime } = deps;
  const runRecord = await runtime.ledger.getRun(run.runId);
  // RUNNING, or FAILED and being redriven (a new execution of a finished day never gets here: PrepareRun skips).
  if (runRecord?.status !== 'RUNNING' && runRecord?.status !== 'FAILED')
    throw new RunNotActiveError(run.runId, runRecord?.status ?? null);
  const plan = await runtime.ledger.getPlan(run.runId, bookId);
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
      ledger: runtime.ledger,
      broker: runtime.broker,
      clock: runtime.clock,
      sleep: runtime.sleep,
      rails: runtime.rails,
      leaseHolder: `${run.runId}/${bookId}`,
      ...(runRecord.equity ? { equityAtRunStart: runRecord.equity } : {}),
      ...(runtime.fault ? { fault: faultsOf(runtime, fault.step, fault.scope) } : {}),
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

/** Adapts the runtime's fault hook to execution's points (`after-fill` also fires at `after-fill-record`). */
const faultsOf = (runtime: Runtime, step: string, strategyId: string): ExecutionFaults => ({
  at(point) {
    const fault = runtime.fault;
    if (!fault) return;
    fault({ step, strategyId, point });
    if (point === 'after-fill-record') fault({ step, strategyId, point: 'after-fill' });
  },
});

const recordOutcome = async (
  runtime: Runtime,
  run: RunRef,
  strategyIds: readonly string[],
  flow: Flow,
  result: ExecuteResult,
  startedAt: string,
): Promise<void> => {
  const finishedAt = runtime.clock().toISOString();
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
    const r = await runtime.ledger.recordStrategyRun(record);
    if (r.status === 'conflict' && r.current.outcome === 'FAILED' && result.outcome !== 'FAILED') {
      // A redrive completed a branch an earlier attempt recorded as FAILED.
      await runtime.ledger.supersedeFailedStrategyRun(record);
    } else if (r.status === 'conflict') {
      runtime.logger.warn('strategy outcome already recorded', {
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
