/**
 * The local execution's event log: what the runner records while the interpreter runs (states entered and
 * exited, tasks succeeded or failed, retries, catches, Map iterations with their inputs and outputs). Plain
 * JSON with a zod schema, so a caller can persist it and a later redrive can read it back, fail-closed.
 */
import * as z from 'zod';
import { TaskNames } from './contract.ts';

/** Any JSON value (state payloads). */
export const JsonValue: z.ZodType<unknown> = z.json();

/** An error as Step Functions reports it: `Error` is the name `ErrorEquals` matches, `Cause` the message. */
export const EventError = z.object({ Error: z.string(), Cause: z.string() });
export type EventError = z.infer<typeof EventError>;

const Base = z.object({
  /** Position in the log (0-based, gap-free across redrives). */
  seq: z.number().int().nonnegative(),
  /** Milliseconds since the epoch. */
  at: z.number(),
  /** 0 for the original execution, n for its n-th redrive. */
  redrive: z.number().int().nonnegative(),
});
/** Index of the Map iteration a state ran in (absent for run-level states). */
const Iteration = z.number().int().nonnegative().optional();
const StateType = z.enum(['Task', 'Parallel', 'Map', 'Pass', 'Wait', 'Choice', 'Succeed', 'Fail']);

/** One entry of the log. */
export const WorkflowEvent = z.discriminatedUnion('type', [
  Base.extend({
    type: z.literal('ExecutionStarted'),
    executionName: z.string(),
    executionId: z.string(),
    input: JsonValue,
  }),
  Base.extend({ type: z.literal('ExecutionSucceeded'), output: JsonValue }),
  Base.extend({ type: z.literal('ExecutionFailed'), error: EventError }),
  Base.extend({ type: z.literal('ExecutionAborted') }),
  Base.extend({ type: z.literal('ExecutionTimedOut') }),
  Base.extend({
    type: z.literal('RedriveStarted'),
    /** The state the redrive restarts at. */
    from: z.string(),
    /** Map iterations it re-runs (original indexes). */
    iterations: z.array(z.number().int().nonnegative()),
  }),
  Base.extend({
    type: z.literal('StateEntered'),
    state: z.string(),
    stateType: StateType,
    iteration: Iteration,
    input: JsonValue,
  }),
  Base.extend({
    type: z.literal('StateExited'),
    state: z.string(),
    stateType: StateType,
    iteration: Iteration,
    output: JsonValue,
  }),
  Base.extend({
    type: z.literal('StateFailed'),
    state: z.string(),
    stateType: StateType,
    iteration: Iteration,
    error: EventError,
  }),
  Base.extend({
    type: z.literal('StateRetried'),
    state: z.string(),
    iteration: Iteration,
    /** 1 for the first retry of that retrier. */
    attempt: z.number().int().positive(),
    errorEquals: z.array(z.string()),
  }),
  Base.extend({
    type: z.literal('StateCaught'),
    state: z.string(),
    iteration: Iteration,
    errorEquals: z.array(z.string()),
    next: z.string(),
  }),
  Base.extend({
    type: z.literal('TaskSucceeded'),
    task: z.enum(TaskNames),
    state: z.string(),
    /** The task's effective input (after `Parameters`): what the Lambda would receive. */
    input: JsonValue,
    output: JsonValue,
    durationMs: z.number().nonnegative(),
  }),
  Base.extend({
    type: z.literal('TaskFailed'),
    task: z.enum(TaskNames),
    state: z.string(),
    input: JsonValue,
    error: EventError,
    durationMs: z.number().nonnegative(),
  }),
  Base.extend({
    type: z.literal('MapIterationStarted'),
    state: z.string(),
    iteration: z.number().int(),
    input: JsonValue,
  }),
  Base.extend({
    type: z.literal('MapIterationSucceeded'),
    state: z.string(),
    iteration: z.number().int(),
    output: JsonValue,
  }),
  Base.extend({
    type: z.literal('MapIterationFailed'),
    state: z.string(),
    iteration: z.number().int(),
    error: EventError,
  }),
]);
export type WorkflowEvent = z.infer<typeof WorkflowEvent>;
/** An event before the log numbers it. */
export type NewWorkflowEvent = WorkflowEvent extends infer E
  ? E extends WorkflowEvent
    ? Omit<E, 'seq' | 'redrive'>
    : never
  : never;

/** How an execution ended (Step Functions' execution statuses). */
export const ExecutionStatus = z.enum(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

/** State transitions counted from the log (see `countTransitions`). */
export const TransitionCount = z.object({
  /** Every state entered, plus every retry (Step Functions bills a retry as a transition). */
  total: z.number().int().nonnegative(),
  /** Transitions outside the Map iterations (PrepareRun, RunAction, Strategies, HasPool, pool steps, Finalize). */
  runLevel: z.number().int().nonnegative(),
  /** Map iterations counted. */
  iterations: z.number().int().nonnegative(),
  /** The busiest iteration's transitions. */
  maxPerIteration: z.number().int().nonnegative(),
  /** Per strategy: the busiest iteration plus its share of the run-level transitions (target ≤ 7). */
  perStrategy: z.number().nonnegative(),
});
export type TransitionCount = z.infer<typeof TransitionCount>;

/** A finished local execution (or redrive): what `runLocal`/`redriveLocal` return, and what a caller persists. */
export const LocalExecution = z.object({
  executionName: z.string(),
  executionId: z.string(),
  status: ExecutionStatus,
  /** The execution's output when it succeeded. */
  output: JsonValue.optional(),
  /** Why it failed, when it did. */
  error: EventError.optional(),
  /** The whole log, the original execution's events first, then each redrive's. */
  events: z.array(WorkflowEvent),
  /** Transitions of the latest attempt (the execution, or the latest redrive). */
  transitions: TransitionCount,
});
export type LocalExecution = z.infer<typeof LocalExecution>;
