/**
 * Local redrive, mirroring Step Functions' RedriveExecution: the same execution (name, id, log) restarts at
 * the state that did not finish, with the input it had. When that state is a Map, only its unsuccessful
 * iterations run again — failed, aborted or never started — each with its original item, and the states
 * after the Map then run with the merged results. A failed Parallel state runs again whole (the definition's
 * only Parallel has one branch, which is what Step Functions re-runs).
 *
 * Like Step Functions, only an execution that failed, was aborted or timed out can be redriven. A branch the
 * Catch recorded FAILED does not fail the execution by itself: the definition gives it a second run without
 * a Catch (`RetryFailedBranches`), and a failure there fails the execution, which this then redrives.
 */
import type { AslDefinition, AslState, MapState } from './asl.ts';
import { ExecutionNotRedrivableError, WorkflowConfigInvalidError } from './errors.ts';
import { LocalExecution, type WorkflowEvent } from './events.ts';
import { EventSink, runSegment, type SegmentResult } from './interpreter.ts';
import { getPath, setPath } from './json-path.ts';
import { finishExecution, interpreterSettings, type LocalRunnerOptions } from './local-runner.ts';

/** Options of {@link redriveLocal}. */
export interface RedriveLocalOptions extends LocalRunnerOptions {
  /** The previous local execution (or its last redrive), as `runLocal`/`redriveLocal` returned it. */
  readonly previous: LocalExecution;
}

/** The last run-level state entered, with its input, and whether (and with what) it exited. */
interface LastState {
  readonly name: string;
  readonly input: unknown;
  readonly exited: boolean;
  readonly output?: unknown;
}

/** Each iteration's latest outcome in one Map, over every attempt of the execution. */
type Iterations = ReadonlyMap<number, { succeeded: boolean; output?: unknown }>;

/** The last run-level state entered (states of Map iterations and Parallel branches are not run-level). */
const lastRunLevelState = (
  events: readonly WorkflowEvent[],
  definition: AslDefinition,
): LastState | undefined => {
  let last: LastState | undefined;
  for (const e of events) {
    if (!('state' in e) || ('iteration' in e && e.iteration !== undefined)) continue;
    if (!Object.hasOwn(definition.States, e.state)) continue;
    if (e.type === 'StateEntered') last = { name: e.state, input: e.input, exited: false };
    else if (e.type === 'StateExited' && last?.name === e.state)
      last = { ...last, exited: true, output: e.output };
  }
  return last;
};

const iterationsOf = (events: readonly WorkflowEvent[], mapName: string): Iterations => {
  const iterations = new Map<number, { succeeded: boolean; output?: unknown }>();
  for (const e of events) {
    if (!e.type.startsWith('MapIteration') || !('state' in e) || e.state !== mapName) continue;
    if (e.type === 'MapIterationStarted') iterations.set(e.iteration, { succeeded: false });
    else if (e.type === 'MapIterationSucceeded')
      iterations.set(e.iteration, { succeeded: true, output: e.output });
    else if (e.type === 'MapIterationFailed') iterations.set(e.iteration, { succeeded: false });
  }
  return iterations;
};

/** The states reachable from `start` (a tail of the definition, for a segment that starts there). */
const tailFrom = (definition: AslDefinition, start: string): AslDefinition => {
  const reachable = new Set<string>();
  const visit = (name: string | undefined) => {
    if (name === undefined || reachable.has(name)) return;
    const state = definition.States[name];
    if (!state) throw new WorkflowConfigInvalidError(`state ${name} is not in the definition`);
    reachable.add(name);
    if ('Next' in state) visit(state.Next);
    if (state.Type === 'Choice') {
      for (const c of state.Choices) visit(c.Next);
      visit(state.Default);
    }
    if ('Catch' in state) for (const c of state.Catch ?? []) visit(c.Next);
  };
  visit(start);
  const States = Object.fromEntries([...reachable].map((n) => [n, definition.States[n] as AslState]));
  return { ...definition, StartAt: start, States };
};

/**
 * Redrives a local execution that failed, was aborted or timed out. Returns the same execution with the
 * redrive's events appended. Throws ExecutionNotRedrivableError when it succeeded, or its log cannot be read.
 */
export const redriveLocal = async (options: RedriveLocalOptions): Promise<LocalExecution> => {
  const parsed = LocalExecution.safeParse(options.previous);
  const name = (options.previous as { executionName?: string })?.executionName ?? '?';
  if (!parsed.success)
    throw new ExecutionNotRedrivableError(name, 'its event log is invalid', { cause: parsed.error });
  const previous = parsed.data;
  if (previous.status === 'SUCCEEDED')
    throw new ExecutionNotRedrivableError(previous.executionName, 'it succeeded');
  const { definition } = options;
  const last = lastRunLevelState(previous.events, definition);

  type Plan =
    | { kind: 'map'; mapName: string; map: MapState; input: unknown; rerun: number[]; iterations: Iterations }
    | { kind: 'from'; state: string; input: unknown };
  let plan: Plan;
  const lastState = last === undefined ? undefined : definition.States[last.name];
  if (last === undefined) {
    const started = previous.events.find((e) => e.type === 'ExecutionStarted');
    plan = {
      kind: 'from',
      state: definition.StartAt,
      input: started && 'input' in started ? started.input : {},
    };
  } else if (!last.exited && lastState?.Type === 'Map') {
    const iterations = iterationsOf(previous.events, last.name);
    const items = getPath(last.input, lastState.ItemsPath);
    if (!Array.isArray(items))
      throw new ExecutionNotRedrivableError(previous.executionName, `the input of ${last.name} has no items`);
    const rerun = items.map((_, i) => i).filter((i) => iterations.get(i)?.succeeded !== true);
    plan = { kind: 'map', mapName: last.name, map: lastState, input: last.input, rerun, iterations };
  } else if (!last.exited) {
    plan = { kind: 'from', state: last.name, input: last.input };
  } else if (lastState !== undefined && 'Next' in lastState && lastState.Next !== undefined) {
    plan = { kind: 'from', state: lastState.Next, input: last.output };
  } else {
    throw new ExecutionNotRedrivableError(previous.executionName, 'no unfinished state in its log');
  }

  const redrive = previous.events.reduce((n, e) => Math.max(n, e.redrive), 0) + 1;
  const sink = new EventSink([...previous.events], redrive, options.onEvent);
  const settings = interpreterSettings(options, previous.executionName, sink);
  sink.push({
    type: 'RedriveStarted',
    at: Date.now(),
    from: plan.kind === 'map' ? plan.mapName : plan.state,
    iterations: plan.kind === 'map' ? plan.rerun : [],
  });

  if (plan.kind === 'from') {
    const result = await runSegment(settings, {
      definition: tailFrom(definition, plan.state),
      input: plan.input,
    });
    return finishExecution(settings, result);
  }

  // The Map, with only the iterations to re-run (the same ItemSelector rebuilds their original inputs).
  const { mapName, map, rerun, iterations } = plan;
  const mapInput = plan.input;
  const items = getPath(mapInput, map.ItemsPath) as unknown[];
  sink.push({
    type: 'StateEntered',
    at: Date.now(),
    state: mapName,
    stateType: 'Map',
    input: mapInput ?? null,
  });
  const { Next: _next, ...mapAlone } = map;
  const mapOnly: AslDefinition = {
    ...definition,
    StartAt: mapName,
    States: { [mapName]: { ...mapAlone, End: true } },
  };
  const again = await runSegment(settings, {
    definition: mapOnly,
    input: setPath(
      mapInput,
      map.ItemsPath,
      rerun.map((i) => items[i]),
    ),
    iterationIndex: (i) => rerun[i] ?? i,
    quietRunLevel: true,
  });
  if (again.status !== 'SUCCEEDED') {
    if (again.status === 'FAILED' && again.error) {
      sink.push({
        type: 'StateFailed',
        at: Date.now(),
        state: mapName,
        stateType: 'Map',
        error: again.error,
      });
    }
    return finishExecution(settings, again);
  }
  // A Map whose results are dropped (`ResultPath: null`) passes its input on; else the re-run iterations'
  // results take their places among the others'.
  const resultPath = map.ResultPath;
  const mapOutput =
    resultPath === null
      ? mapInput
      : setPath(
          mapInput,
          resultPath,
          items.map((_, i) => {
            const k = rerun.indexOf(i);
            return k >= 0 ? (getPath(again.output, resultPath) as unknown[])[k] : iterations.get(i)?.output;
          }),
        );
  sink.push({
    type: 'StateExited',
    at: Date.now(),
    state: mapName,
    stateType: 'Map',
    output: mapOutput as never,
  });
  const result: SegmentResult = map.End
    ? { status: 'SUCCEEDED', output: mapOutput }
    : await runSegment(settings, { definition: tailFrom(definition, map.Next as string), input: mapOutput });
  return finishExecution(settings, result);
};
