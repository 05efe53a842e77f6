/**
 * Runs (part of) the definition in aws-local-stepfunctions with every Task mapped to an in-process handler,
 * and turns the interpreter's events into the workflow event log. `runLocal` runs the whole definition in
 * one segment; `redriveLocal` runs the Map's unsuccessful iterations and then the states after it.
 *
 * Two interpreter behaviours are guarded here: when an inline Map fails, iterations still queued behind
 * MaxConcurrency start anyway after the execution has failed, and an aborted execution still runs the
 * state it is in. Handlers are therefore invoked only while their segment is open (checked one macrotask
 * after the interpreter calls them, once any settled result has been observed), and the runner waits for
 * every invocation in flight before it returns.
 */
import {
  ExecutionAbortedError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { AslDefinition, AslState } from './asl.ts';
import type { TaskName } from './contract.ts';
import { RetryTaskStates, taskOfStateName } from './definition.ts';
import { WorkflowConfigInvalidError } from './errors.ts';
import type { EventError, ExecutionStatus, NewWorkflowEvent, WorkflowEvent } from './events.ts';

/** What a handler gets besides its input: the execution's identity, which state called it, and a stop signal. */
export interface TaskContext {
  /** `$$.Execution.Id`: the execution's ARN (a local one, same shape as AWS's). */
  readonly executionId: string;
  /** `$$.Execution.Name`. */
  readonly executionName: string;
  /** The Task state that invoked the handler. */
  readonly stateName: string;
  readonly task: TaskName;
  /** Aborted when the execution is aborted (Ctrl-C) or times out: stop early, leave no half-written state. */
  readonly signal: AbortSignal;
}

/** A task's in-process implementation: what its Lambda would do, given the same input. */
export type TaskHandler = (input: unknown, ctx: TaskContext) => Promise<unknown>;
/** One handler per task. */
export type TaskHandlers = Readonly<Record<TaskName, TaskHandler>>;

/** The ARN a local execution carries in `$$.Execution.Id`. */
export const localExecutionArn = (executionName: string): string =>
  `arn:aws:states:us-east-1:000000000000:execution:ensemble-local:${executionName}`;

/** Appends numbered events to a log and tells the listener. */
export class EventSink {
  private listenerError: unknown;
  constructor(
    readonly events: WorkflowEvent[],
    readonly redrive: number,
    private readonly onEvent?: (event: WorkflowEvent) => void,
  ) {}

  push(event: NewWorkflowEvent): void {
    const full = { ...event, seq: this.events.length, redrive: this.redrive } as WorkflowEvent;
    this.events.push(full);
    if (this.onEvent === undefined || this.listenerError !== undefined) return;
    try {
      this.onEvent(full);
    } catch (e) {
      this.listenerError = e ?? new Error('onEvent threw');
    }
  }

  /** Rethrows the first error the listener threw (after the execution has settled). */
  rethrowListenerError(): void {
    if (this.listenerError !== undefined) throw this.listenerError;
  }
}

/** Walks every state of a definition, Map iterations and Parallel branches included. */
export const eachState = (
  states: Record<string, AslState>,
  visit: (name: string, state: AslState, inMap: boolean) => void,
  inMap = false,
): void => {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state, inMap);
    if (state.Type === 'Map') eachState(state.ItemProcessor.States, visit, true);
    if (state.Type === 'Parallel') for (const b of state.Branches) eachState(b.States, visit, inMap);
  }
};

/**
 * Which task each Task state runs: by its `Resource` when `functionArns` is given, else by its name (a
 * task's name, or a second-run state of {@link RetryTaskStates}). Throws when a Task state maps to nothing.
 */
export const taskOfStates = (
  definition: AslDefinition,
  functionArns?: Readonly<Record<TaskName, string>>,
): Map<string, TaskName> => {
  const byArn = new Map(Object.entries(functionArns ?? {}).map(([t, arn]) => [arn, t as TaskName]));
  const out = new Map<string, TaskName>();
  eachState(definition.States, (name, state) => {
    if (state.Type !== 'Task') return;
    const task = functionArns ? byArn.get(state.Resource) : taskOfStateName(name);
    if (task === undefined) {
      throw new WorkflowConfigInvalidError(`Task state ${name} (${state.Resource}) maps to no task handler`);
    }
    out.set(name, task);
  });
  return out;
};

const causeText = (cause: unknown): string => {
  if (cause === undefined || cause === null) return '';
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  try {
    return JSON.stringify(cause);
  } catch {
    return String(cause);
  }
};

/** A thrown value as Step Functions reports it (`Error` = the error's name, `Cause` = its message). */
export const toEventError = (e: unknown): EventError =>
  e instanceof Error
    ? { Error: e.name || 'Error', Cause: e.message }
    : { Error: 'Error', Cause: causeText(e) };

/** A value as a Lambda would return it: JSON round-tripped (`undefined` becomes `null`). */
const asLambdaResult = (value: unknown): unknown =>
  value === undefined ? null : JSON.parse(JSON.stringify(value));

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Settings shared by every segment of one execution. */
export interface InterpreterSettings {
  readonly executionName: string;
  readonly executionId: string;
  readonly handlers: TaskHandlers;
  readonly stateTasks: ReadonlyMap<string, TaskName>;
  /** Retry waits in ms per state and retrier, when scaled (absent: the definition's own waits). */
  readonly retryOverrides?: Record<string, number[]>;
  readonly signal?: AbortSignal;
  readonly sink: EventSink;
}

/** One run of the interpreter. */
export interface Segment {
  readonly definition: StateMachineDefinition | AslDefinition;
  readonly input: unknown;
  /** The original index of the segment's Map iteration `i` (a redrive re-runs a subset). */
  readonly iterationIndex?: (i: number) => number;
  /** Leave run-level state events out of the log (the redrive writes its own for the Map). */
  readonly quietRunLevel?: boolean;
}

/** How a segment ended. */
export interface SegmentResult {
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: EventError;
}

/** Runs one segment to its end and waits for every handler invocation it started. */
export const runSegment = async (settings: InterpreterSettings, segment: Segment): Promise<SegmentResult> => {
  const { sink, signal } = settings;
  const stop = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  let open = true;

  const invoke = (stateName: string, task: TaskName) => async (input: unknown) => {
    await nextMacrotask();
    if (!open || stop.signal.aborted)
      throw new Error(`execution ${settings.executionName} is no longer running`);
    const handler = settings.handlers[task];
    const ctx: TaskContext = {
      executionId: settings.executionId,
      executionName: settings.executionName,
      stateName,
      task,
      signal: stop.signal,
    };
    const started = Date.now();
    const call = handler(input, ctx);
    inflight.add(call);
    try {
      const output = asLambdaResult(await call);
      sink.push({
        type: 'TaskSucceeded',
        at: Date.now(),
        task,
        state: stateName,
        input,
        output,
        durationMs: Date.now() - started,
      });
      return output;
    } catch (e) {
      const error = toEventError(e);
      sink.push({
        type: 'TaskFailed',
        at: Date.now(),
        task,
        state: stateName,
        input,
        error,
        durationMs: Date.now() - started,
      });
      throw e instanceof Error ? e : Object.assign(new Error(error.Cause), { name: error.Error });
    } finally {
      inflight.delete(call);
    }
  };
  const taskResourceLocalHandlers = Object.fromEntries(
    [...settings.stateTasks].map(([state, task]) => [state, invoke(state, task)]),
  ) as unknown as LocalHandlers;

  const machine = new StateMachine(segment.definition as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  const execution = machine.run(segment.input as never, {
    overrides: {
      taskResourceLocalHandlers,
      ...(settings.retryOverrides ? { retryIntervalOverrides: settings.retryOverrides } : {}),
    },
    context: { Execution: { Id: settings.executionId, Name: settings.executionName } },
  });
  const onAbort = () => {
    stop.abort();
    execution.abort();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  const pump = (async () => {
    for await (const raw of execution.eventLogs) {
      const event = fromInterpreter(raw as unknown as RawEvent, segment);
      if (event) sink.push(event);
    }
  })();

  let result: SegmentResult;
  try {
    result = { status: 'SUCCEEDED', output: await execution.result };
  } catch (e) {
    if (e instanceof ExecutionAbortedError) result = { status: 'ABORTED' };
    else if (e instanceof ExecutionTimeoutError) {
      stop.abort();
      result = { status: 'TIMED_OUT', error: { Error: 'States.Timeout', Cause: 'execution timed out' } };
    } else result = { status: 'FAILED', error: toEventError((e as Error).cause ?? e) };
  } finally {
    open = false;
    signal?.removeEventListener('abort', onAbort);
  }
  await pump;
  while (inflight.size > 0) await Promise.allSettled([...inflight]);
  return result;
};

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** The interpreter's event shapes we read (its `EventLog` type is not exported). */
interface RawEvent {
  type: string;
  timestamp: number;
  index?: number;
  state?: { name: string; type: string; input: unknown; output?: unknown };
  parentState?: { name: string };
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  retry?: { retrier: { ErrorEquals: string[] }; attempt: number };
  catch?: { catcher: { ErrorEquals: string[]; Next: string } };
}

type StateTypeName = Extract<WorkflowEvent, { type: 'StateEntered' }>['stateType'];

const fromInterpreter = (e: RawEvent, segment: Segment): NewWorkflowEvent | undefined => {
  const at = e.timestamp;
  const iteration = e.index === undefined ? undefined : (segment.iterationIndex?.(e.index) ?? e.index);
  const error = (): EventError => ({ Error: e.Error ?? 'Error', Cause: causeText(e.Cause) });
  if (e.type.startsWith('MapIteration')) {
    const state = e.parentState?.name ?? '';
    const index = iteration ?? 0;
    if (e.type === 'MapIterationStarted')
      return { type: e.type, at, state, iteration: index, input: e.input ?? null };
    if (e.type === 'MapIterationSucceeded') {
      return { type: e.type, at, state, iteration: index, output: e.output ?? null };
    }
    if (e.type === 'MapIterationFailed') return { type: e.type, at, state, iteration: index, error: error() };
    return undefined;
  }
  if (!e.state) return undefined; // execution-level events: the runner writes its own
  if (iteration === undefined && segment.quietRunLevel) return undefined;
  const state = e.state.name;
  const stateType = e.state.type as StateTypeName;
  const where = iteration === undefined ? {} : { iteration };
  switch (e.type) {
    case 'StateEntered':
      return { type: e.type, at, state, stateType, ...where, input: e.state.input ?? null };
    case 'StateExited':
      return { type: e.type, at, state, stateType, ...where, output: e.state.output ?? null };
    case 'StateFailed':
      return { type: e.type, at, state, stateType, ...where, error: error() };
    case 'StateRetried':
      return {
        type: e.type,
        at,
        state,
        ...where,
        attempt: Math.max(1, e.retry?.attempt ?? 1),
        errorEquals: e.retry?.retrier.ErrorEquals ?? [],
      };
    case 'StateCaught':
      return {
        type: e.type,
        at,
        state,
        ...where,
        errorEquals: e.catch?.catcher.ErrorEquals ?? [],
        next: e.catch?.catcher.Next ?? '',
      };
    default:
      return undefined;
  }
};
