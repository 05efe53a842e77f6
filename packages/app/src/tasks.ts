/**
 * The task table: every workflow task, by name. `createSteps(app)` gives the local runner (and the
 * backtest) the same code the Lambda handlers run, in-process: input parsed with the task's zod schema,
 * output validated with it before it leaves.
 */
import type { TaskName } from '@ensemble/workflow/contract';
import type * as z from 'zod';
import { issueLines, TaskInputInvalidError } from './errors.ts';
import type { AppContext } from './ports.ts';
import { noMarketData, noTradingBroker } from './shadow/unavailable-ports.ts';
import { type StepDeps, stepDeps } from './step-deps.ts';
import { aggregatePoolTask } from './steps/aggregate-pool.ts';
import { evaluateTask } from './steps/evaluate.ts';
import { executePoolTask, executeTask } from './steps/execute.ts';
import { finalizeTask } from './steps/finalize.ts';
import { netOrdersTask } from './steps/net-orders.ts';
import { planPoolTask } from './steps/plan-pool.ts';
import { planRebalanceTask } from './steps/plan-rebalance.ts';
import { prepareRunTask } from './steps/prepare-run.ts';
import { prepareShadowsTask } from './steps/prepare-shadows.ts';
import { recordBranchFailureTask } from './steps/record-branch-failure.ts';
import { shadowTask } from './steps/shadow.ts';
import { runTask, type TaskDefinition, type TaskOf } from './task.ts';

/** Every task of the workflow. */
export const tasks: { readonly [N in TaskName]: TaskOf<N> } = {
  PrepareRun: prepareRunTask,
  Evaluate: evaluateTask,
  PlanRebalance: planRebalanceTask,
  Execute: executeTask,
  RecordBranchFailure: recordBranchFailureTask,
  AggregatePool: aggregatePoolTask,
  PlanPool: planPoolTask,
  NetOrders: netOrdersTask,
  ExecutePool: executePoolTask,
  PrepareShadows: prepareShadowsTask,
  Shadow: shadowTask,
  Finalize: finalizeTask,
};

/** What the local runner passes with each call. */
export interface StepContext {
  /** Aborts the step between awaits where it can (Ctrl-C in `ensemble run`). */
  readonly signal?: AbortSignal;
}

/** A step as the local runner calls it: unvalidated input in, validated output out. */
export type Step = (input: unknown, ctx?: StepContext) => Promise<unknown>;

/** One task as an in-process {@link Step}. */
const stepOf =
  <I extends z.ZodType, O extends z.ZodType>(def: TaskDefinition<I, O>, deps: StepDeps): Step =>
  async (raw, ctx) => {
    ctx?.signal?.throwIfAborted();
    const parsed = def.input.safeParse(raw);
    if (!parsed.success) throw new TaskInputInvalidError(def.name, issueLines(parsed.error.issues));
    return runTask(def, deps, parsed.data);
  };

/**
 * Every task as an in-process function over an application context (the local runner, the backtest). Shadow
 * mode's tasks are given no broker and no market data (their calls fail closed), as their Lambda functions
 * are given neither adapters nor keys: they trade on their paper broker only.
 */
export const createSteps = (app: AppContext): Record<TaskName, Step> => {
  const deps = stepDeps(app);
  const paper = stepDeps({
    ...app,
    ports: {
      ledger: app.ports.ledger,
      broker: noTradingBroker,
      marketData: noMarketData,
      snapshots: app.ports.snapshots,
      clock: app.ports.clock,
    },
  });
  return {
    PrepareRun: stepOf(tasks.PrepareRun, deps),
    Evaluate: stepOf(tasks.Evaluate, deps),
    PlanRebalance: stepOf(tasks.PlanRebalance, deps),
    Execute: stepOf(tasks.Execute, deps),
    RecordBranchFailure: stepOf(tasks.RecordBranchFailure, deps),
    AggregatePool: stepOf(tasks.AggregatePool, deps),
    PlanPool: stepOf(tasks.PlanPool, deps),
    NetOrders: stepOf(tasks.NetOrders, deps),
    ExecutePool: stepOf(tasks.ExecutePool, deps),
    PrepareShadows: stepOf(tasks.PrepareShadows, paper),
    Shadow: stepOf(tasks.Shadow, paper),
    Finalize: stepOf(tasks.Finalize, deps),
  };
};
