/**
 * A task: the workflow contract's zod schemas of one task (their one source, `@ensemble/workflow/contract`)
 * and the step that does it; and how a task is run: input already parsed, output validated before it
 * leaves, fault points at its start and end. Each step module exports its task (`evaluateTask`...), so a
 * Lambda handler imports exactly its own step; `tasks.ts` gathers them all for the local runner.
 */
import { type TaskName, TaskSchemas } from '@ensemble/workflow/contract';
import type * as z from 'zod';
import { issueLines, TaskOutputInvalidError } from './errors.ts';
import type { StepDeps } from './step-deps.ts';

type Schemas = typeof TaskSchemas;

/** One task: its name, schemas and step. */
export interface TaskDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly name: TaskName;
  readonly input: I;
  readonly output: O;
  readonly run: (deps: StepDeps, input: z.output<I>) => Promise<z.input<O>>;
}

/** The definition of task `N`, typed with its contract schemas. */
export type TaskOf<N extends TaskName> = TaskDefinition<Schemas[N]['input'], Schemas[N]['output']>;

/** A task's step, with the task's schemas from the workflow contract. */
export const task = <N extends TaskName>(name: N, run: TaskOf<N>['run']): TaskOf<N> => ({
  name,
  ...TaskSchemas[name],
  run,
});

/** `PlanRebalance` → `plan-rebalance`: how steps are named in fault specs and handler file names. */
export const kebab = (name: TaskName): string => name.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();

/** A task's fault scope: its strategy, a paper book's strategy (`pool` for the paper pool), or `run`. */
const faultScope = (input: unknown): string => {
  if (typeof input !== 'object' || input === null) return 'run';
  if ('strategyId' in input) return String(input.strategyId);
  if ('bookId' in input) return String(input.bookId).replace(/^strategy#/, '');
  return 'run';
};

/**
 * Runs one task on already-parsed input and validates its output. The context's fault hook is called at
 * `start` and `end` of every task (`--fault <kebab-task>:<strategy, pool, or run>:start`); `execute`,
 * `execute-pool` and `shadow` also pass on every point of `@ensemble/execution` (`before-submit`,
 * `after-submit`, `after-fill-record`, also reported as `after-fill`, …).
 */
export const runTask = async <I extends z.ZodType, O extends z.ZodType>(
  def: TaskDefinition<I, O>,
  deps: StepDeps,
  input: z.output<I>,
): Promise<z.output<O>> => {
  const { fault } = deps.observe;
  // The fault point's names only when there is a fault hook to call (never in a Lambda or a backtest).
  const at = fault ? { step: kebab(def.name), strategyId: faultScope(input) } : undefined;
  if (fault && at) fault({ ...at, point: 'start' });
  const result = def.output.safeParse(await def.run(deps, input));
  if (!result.success) throw new TaskOutputInvalidError(def.name, issueLines(result.error.issues));
  if (fault && at) fault({ ...at, point: 'end' });
  return result.data;
};
