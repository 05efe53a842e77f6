/**
 * The one place the shape of a Task state is stated: {@link taskFactory} puts a task's ARN, timeout and Retry
 * policy around the fields that vary, and {@link taskChain} builds a run of such states from a description,
 * each pointing at the next. The first run of a branch or of the pool and its second-run copy are two
 * descriptions of the same steps (other prefix, with or without a Catch), not two hand-written lists.
 */
import type { AslState, Catcher, PayloadTemplate, StateGraph, TaskState } from './asl.ts';
import type { TaskName } from './contract.ts';
import { WorkflowConfigInvalidError } from './errors.ts';
import { BranchCatchErrors, DefaultTimeouts, retryPolicy } from './policy.ts';

/** The fields of a Task state that vary from state to state; the others follow from its task. */
export type TaskFields = Omit<TaskState, 'Type' | 'Resource' | 'TimeoutSeconds' | 'Retry'>;

/** Builds a Task state running `task` with the given fields. */
export type TaskFactory = (task: TaskName, fields: TaskFields) => TaskState;

/**
 * The {@link TaskFactory} of one definition: the task's function ARN as `Resource`, its `TimeoutSeconds`
 * (`timeouts`, else {@link DefaultTimeouts}) and its {@link retryPolicy}. Throws WorkflowConfigInvalidError
 * when a task has no ARN.
 */
export const taskFactory =
  (
    functionArns: Partial<Record<TaskName, string>>,
    timeouts: Partial<Record<TaskName, number>> = {},
  ): TaskFactory =>
  (task, fields) => {
    const resource = functionArns[task];
    if (resource === undefined) throw new WorkflowConfigInvalidError(`no function ARN for task ${task}`);
    return {
      Type: 'Task',
      Resource: resource,
      ...fields,
      TimeoutSeconds: timeouts[task] ?? DefaultTimeouts[task],
      Retry: retryPolicy(task),
    };
  };

/** A task of a chain, and where its result goes in the state document. */
export interface TaskStep {
  task: TaskName;
  resultPath: string;
}

/** A state of a chain that is not a task (a Choice, say), built once the name of the state after it is known. */
export interface LinkState {
  name: string;
  state: (next: string) => AslState;
}

/** What {@link taskChain} builds. */
export interface TaskChain {
  /** Put before each task's name to name its state: `''` on the first run, `'Retry'` on the second. */
  prefix: string;
  /** The states in order; each one's `Next` is the one after it, the last one's is {@link TaskChain.next}. */
  links: readonly [TaskStep | LinkState, ...(TaskStep | LinkState)[]];
  /** The `Parameters` of every task. */
  parameters: PayloadTemplate;
  /** The `Catch` of every task; without it, a failure fails the enclosing iteration, branch or execution. */
  catch?: Catcher[];
  /** A `Comment` for some tasks. */
  comments?: Partial<Record<TaskName, string>>;
  /**
   * The state after the last one; or `{ result }`: the last task ends the graph (a Map iteration) and its
   * result, shaped by this `ResultSelector`, is the iteration's result (one state fewer than a Pass after it).
   */
  next: string | { readonly result: PayloadTemplate };
}

const nameOf = (prefix: string, link: TaskStep | LinkState): string =>
  'task' in link ? `${prefix}${link.task}` : link.name;

/**
 * The states of a chain, in order (as they appear in the definition), and the first one's name. Each task
 * state holds, in this order, its comment if any, the chain's `Parameters`, its `ResultPath`, the chain's
 * `Catch` if any, and `Next`.
 */
export const taskChain = (task: TaskFactory, chain: TaskChain): StateGraph => {
  const names = chain.links.map((link) => nameOf(chain.prefix, link));
  const ends = typeof chain.next === 'string' ? undefined : chain.next.result;
  const states = chain.links.map((link, i): [string, AslState] => {
    const next = names[i + 1] ?? (typeof chain.next === 'string' ? chain.next : undefined);
    if (!('task' in link)) {
      if (next === undefined)
        throw new WorkflowConfigInvalidError(`chain ends with ${link.name}, not a task`);
      return [link.name, link.state(next)];
    }
    const comment = chain.comments?.[link.task];
    const state = task(link.task, {
      ...(comment === undefined ? {} : { Comment: comment }),
      Parameters: chain.parameters,
      ...(next === undefined && ends !== undefined
        ? { ResultSelector: ends }
        : { ResultPath: link.resultPath }),
      ...(chain.catch === undefined ? {} : { Catch: chain.catch }),
      ...(next === undefined ? { End: true } : { Next: next }),
    });
    return [nameOf(chain.prefix, link), state];
  });
  return { StartAt: nameOf(chain.prefix, chain.links[0]), States: Object.fromEntries(states) };
};

/**
 * A Catch of every error (`States.ALL`), writing it to `resultPath` (`null`: dropping it) and going on to
 * `next`.
 */
export const catchAll = (resultPath: string | null, next: string): Catcher[] => [
  { ErrorEquals: [...BranchCatchErrors], ResultPath: resultPath, Next: next },
];
