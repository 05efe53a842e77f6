/**
 * Runs the state machine definition locally: the same ASL object SST deploys, interpreted by
 * aws-local-stepfunctions, each Task mapped to an in-process handler. Returns the status, the output and the
 * event log (JSON, with a zod schema, so the caller can persist it for `redriveLocal`).
 */
import type { AslDefinition } from './asl.ts';
import type { TaskName } from './contract.ts';
import { WorkflowConfigInvalidError } from './errors.ts';
import type { LocalExecution, WorkflowEvent } from './events.ts';
import {
  EventSink,
  eachState,
  type InterpreterSettings,
  localExecutionArn,
  runSegment,
  type SegmentResult,
  type TaskHandlers,
  taskOfStates,
} from './interpreter.ts';
import { countTransitions } from './transitions.ts';
import { validateDefinition } from './validate.ts';

/** What both `runLocal` and `redriveLocal` take. */
export interface LocalRunnerOptions {
  /** The definition (from `buildDefinition`); validated with asl-validator before it runs. */
  readonly definition: AslDefinition;
  /** One in-process handler per task. */
  readonly handlers: TaskHandlers;
  /** Aborting it aborts the execution (status `ABORTED`) once the handlers in flight have returned. */
  readonly signal?: AbortSignal;
  /** Called with every event as it is logged (progress lines). An exception here is rethrown at the end. */
  readonly onEvent?: (event: WorkflowEvent) => void;
  /**
   * Multiplies every retrier's `IntervalSeconds`; locally the wait is then that constant (no backoff, no
   * jitter). `0` retries at once. 1 keeps the definition's own waits, backoff and jitter.
   * @default 1
   */
  readonly retryDelayScale?: number;
  /**
   * Map Task states to handlers by their `Resource` ARN instead of by state name.
   * @default by state name
   */
  readonly functionArns?: Readonly<Record<TaskName, string>>;
}

/** Options of {@link runLocal}. */
export interface RunLocalOptions extends LocalRunnerOptions {
  /** The execution input (`ExecutionInput`: `{ tradingDay?, stage? }`). */
  readonly input: unknown;
  /** `$$.Execution.Name` (1–80 characters, no whitespace or `<>{}[]?*"#%\^|~\`$&,;:/`). */
  readonly executionName: string;
}

const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;

/** Checks the options and derives what every segment of the execution shares. */
export const interpreterSettings = (
  options: LocalRunnerOptions,
  executionName: string,
  sink: EventSink,
): InterpreterSettings => {
  if (!EXECUTION_NAME.test(executionName)) {
    throw new WorkflowConfigInvalidError(`invalid execution name ${JSON.stringify(executionName)}`);
  }
  const validation = validateDefinition(options.definition);
  if (!validation.valid) {
    throw new WorkflowConfigInvalidError(`invalid definition:\n  ${validation.errors.join('\n  ')}`);
  }
  const scale = options.retryDelayScale ?? 1;
  if (!Number.isFinite(scale) || scale < 0) {
    throw new WorkflowConfigInvalidError(`retryDelayScale must be a finite number ≥ 0, got ${scale}`);
  }
  const stateTasks = taskOfStates(options.definition, options.functionArns);
  for (const task of new Set(stateTasks.values())) {
    if (typeof options.handlers[task] !== 'function') {
      throw new WorkflowConfigInvalidError(`no handler for task ${task}`);
    }
  }
  let retryOverrides: Record<string, number[]> | undefined;
  if (scale !== 1) {
    retryOverrides = {};
    eachState(options.definition.States, (name, state) => {
      if ('Retry' in state && state.Retry) {
        retryOverrides![name] = state.Retry.map((r) => Math.round(r.IntervalSeconds * 1000 * scale));
      }
    });
  }
  return {
    executionName,
    executionId: localExecutionArn(executionName),
    handlers: options.handlers,
    stateTasks,
    ...(retryOverrides ? { retryOverrides } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    sink,
  };
};

/** Writes the final event of an attempt and assembles what the runner returns. */
export const finishExecution = (settings: InterpreterSettings, result: SegmentResult): LocalExecution => {
  const { sink } = settings;
  const at = Date.now();
  if (result.status === 'SUCCEEDED')
    sink.push({ type: 'ExecutionSucceeded', at, output: result.output ?? null });
  else if (result.status === 'FAILED') {
    sink.push({ type: 'ExecutionFailed', at, error: result.error ?? { Error: 'Error', Cause: '' } });
  } else if (result.status === 'ABORTED') sink.push({ type: 'ExecutionAborted', at });
  else sink.push({ type: 'ExecutionTimedOut', at });
  sink.rethrowListenerError();
  return {
    executionName: settings.executionName,
    executionId: settings.executionId,
    status: result.status,
    ...(result.status === 'SUCCEEDED' ? { output: result.output ?? null } : {}),
    ...(result.error ? { error: result.error } : {}),
    events: sink.events,
    transitions: countTransitions(sink.events, sink.redrive),
  };
};

/** Executes the definition in-process from its start and returns how it ended, with its event log. */
export const runLocal = async (options: RunLocalOptions): Promise<LocalExecution> => {
  const sink = new EventSink([], 0, options.onEvent);
  const settings = interpreterSettings(options, options.executionName, sink);
  sink.push({
    type: 'ExecutionStarted',
    at: Date.now(),
    executionName: settings.executionName,
    executionId: settings.executionId,
    input: options.input ?? null,
  });
  const result = await runSegment(settings, { definition: options.definition, input: options.input ?? null });
  return finishExecution(settings, result);
};
