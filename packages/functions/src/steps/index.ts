/**
 * The task table: each workflow task's contract schemas (from `@ensemble/workflow`) and the step that does
 * it. `createSteps(runtime)` gives the local runner the same code the Lambda handlers run, in-process:
 * input parsed with the task's zod schema, output validated with it before it leaves.
 */

import type { z } from 'zod';
import { type TaskName, TaskSchemas } from '../contract.ts';
import { issueLines, TaskInputInvalidError, TaskOutputInvalidError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { aggregatePool } from './aggregate-pool.ts';
import { type StepDeps, stepDeps } from './deps.ts';
import { evaluate } from './evaluate.ts';
import { execute, executePool } from './execute.ts';
import { finalize } from './finalize.ts';
import { planPoolStep } from './plan-pool.ts';
import { planRebalanceStep } from './plan-rebalance.ts';
import { prepareRun } from './prepare-run.ts';
import { recordBranchFailure } from './record-branch-failure.ts';

/** One task: its schemas and its step. */
export interface TaskDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly run: (deps: StepDeps, input: z.output<I>) => Promise<z.input<O>>;
}

type Schemas = typeof TaskSchemas;

/** A task's step, with the task's schemas from the workflow contract (their one source). */
const task = <N extends TaskName>(
  name: N,
  run: (deps: StepDeps, input: z.output<Schemas[N]['input']>) => Promise<z.input<Schemas[N]['output']>>,
): TaskDefinition<Schemas[N]['input'], Schemas[N]['output']> => ({ ...TaskSchemas[name], run });

/** Every task of the workflow. */
export const tasks = {
  PrepareRun: task('PrepareRun', prepareRun),
  Evaluate: task('Evaluate', evaluate),
  PlanRebalance: task('PlanRebalance', planRebalanceStep),
  Execute: task('Execute', execute),
  RecordBranchFailure: task('RecordBranchFailure', recordBranchFailure),
  AggregatePool: task('AggregatePool', aggregatePool),
  PlanPool: task('PlanPool', planPoolStep),
  ExecutePool: task('ExecutePool', executePool),
  Finalize: task('Finalize', finalize),
} as const satisfies Record<TaskName, TaskDefinition>;

/** What the local runner passes with each call. */
export interface StepContext {
  /** Aborts the step between awaits where it can (Ctrl-C in `ensemble run`). */
  readonly signal?: AbortSignal;
}

/** A step as the local runner calls it: unvalidated input in, validated output out. */
export type Step = (input: unknown, ctx?: StepContext) => Promise<unknown>;

/**
 * Runs one task on already-parsed input and validates its output. The runtime's fault hook is called at
 * `start` and `end` of every task (`--fault <kebab-task>:<strategy, or run>:start`); `execute` and
 * `execute-pool` also pass on every point of `@ensemble/execution` (`before-submit`, `after-submit`,
 * `after-fill-record`, also reported as `after-fill`, …).
 */
export const runTask = async <N extends TaskName>(
  name: N,
  deps: StepDeps,
  input: z.output<(typeof tasks)[N]['input']>,
): Promise<z.output<(typeof tasks)[N]['output']>> => {
  const def = tasks[name] as unknown as TaskDefinition;
  const scope = faultScope(input);
  const step = kebab(name);
  deps.runtime.fault?.({ step, strategyId: scope, point: 'start' });
  const result = def.output.safeParse(await def.run(deps, input));
  if (!result.success) throw new TaskOutputInvalidError(name, issueLines(result.error.issues));
  const output = result.data as z.output<(typeof tasks)[N]['output']>;
  deps.runtime.fault?.({ step, strategyId: scope, point: 'end' });
  return output;
};

/** `PlanRebalance` → `plan-rebalance`: how steps are named in fault specs and handler file names. */
export const kebab = (name: TaskName): string => name.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();

const faultScope = (input: unknown): string =>
  typeof input === 'object' && input !== null && 'strategyId' in input
    ? String((input as { strategyId: unknown }).strategyId)
    : 'run';

/** Every task as an in-process function over `runtime` (for the local runner). */
export const createSteps = (runtime: Runtime): Record<TaskName, Step> => {
  const deps = stepDeps(runtime);
  const step =
    (name: TaskName): Step =>
    async (raw, ctx) => {
      ctx?.signal?.throwIfAborted();
      const parsed = tasks[name].input.safeParse(raw);
      if (!parsed.success) throw new TaskInputInvalidError(name, issueLines(parsed.error.issues));
      return runTask(name, deps, parsed.data as never);
    };
  return Object.fromEntries(Object.keys(tasks).map((n) => [n, step(n as TaskName)])) as Record<
    TaskName,
    Step
  >;
};
