/**
 * Local redrive, mirroring Step Functions' RedriveExecution: the same execution (name, id, log) restarts at
 * the state that did not finish, with the input it had. When that state is the Map, only its unsuccessful
 * iterations run again — failed, aborted or never started — each with its original item, and the states
 * after the Map then run with the merged branch results.
 *
 * One local extension: branches that ended FAILED through the Catch (RecordBranchFailure) left their
 * iteration successful, so Step Functions would not re-run them; `rerunFailedBranches` (default on) re-runs
 * those too, then everything after the Map. That is what `ensemble redrive` offers.
 */
import type { AslDefinition, AslState, MapState } from './asl.ts';
import { BranchResult } from './contract.ts';
import { ExecutionNotRedrivableError, WorkflowConfigInvalidError } from './errors.ts';
import { LocalExecution, type WorkflowEvent } from './events.ts';
import { EventSink, runSegment, type SegmentResult } from './interpreter.ts';
import { getPath, setPath } from './json-path.ts';
import { finishExecution, interpreterSettings, type LocalRunnerOptions } from './local-runner.ts';

/** Options of {@link redriveLocal}. */
export interface RedriveLocalOptions extends LocalRunnerOptions {
  /** The previous local execution (or its last redrive), as `runLocal`/`redriveLocal` returned it. */
  readonly previous: LocalExecution;
  /**
   * Also re-run the iterations whose branch ended `FAILED` through the Catch.
   * @default true
   */
  readonly rerunFailedBranches?: boolean;
}

/** What the log says about where the execution stopped. */
interface Stopped {
  /** The last run-level state entered, with its input, and whether it exited. */
  readonly last?: { name: string; input: unknown; exited: boolean };
  /** The Map's latest input and (when it exited) output. */
  readonly mapInput?: unknown;
  readonly mapOutput?: unknown;
  /** Each Map iteration's latest outcome. */
  readonly iterations: ReadonlyMap<number, { succeeded: boolean; output?: unknown }>;
}

const readLog = (events: readonly WorkflowEvent[], mapName: string): Stopped => {
  let last: Stopped['last'];
  let mapInput: unknown;
  let mapOutput: unknown;
  const iterations = new Map<number, { succeeded: boolean; output?: unknown }>();
  for (const e of events) {
    if (e.type === 'MapIterationStarted') iterations.set(e.iteration, { succeeded: false });
    else if (e.type === 'MapIterationSucceeded')
      iterations.set(e.iteration, { succeeded: true, output: e.output });
    else if (e.type === 'MapIterationFailed') iterations.set(e.iteration, { succeeded: false });
    if (!('state' in e) || ('iteration' in e && e.iteration !== undefined)) continue;
    if (e.type === 'StateEntered') {
      last = { name: e.state, input: e.input, exited: false };
      if (e.state === mapName) {
        mapInput = e.input;
        mapOutput = undefined;
      }
    } else if (e.type === 'StateExited' && last?.name === e.state) {
      last = { ...last, exited: true };
      if (e.state === mapName) mapOutput = e.output;
    }
  }
  return { last, mapInput, mapOutput, iterations };
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

const theMap = (definition: AslDefinition): [string, MapState] => {
  const maps = Object.entries(definition.States).filter((e): e is [string, MapState] => e[1].Type === 'Map');
  const only = maps[0];
  if (maps.length !== 1 || !only)
    throw new WorkflowConfigInvalidError('redrive expects exactly one run-level Map');
  return only;
};

const isFailedBranch = (result: unknown): boolean => {
  const parsed = BranchResult.safeParse(result);
  return parsed.success && parsed.data.outcome === 'FAILED';
};

/**
 * Redrives a local execution that failed, was aborted or timed out (or, with `rerunFailedBranches`, one that
 * succeeded with FAILED branches). Returns the same execution with the redrive's events appended.
 * Throws ExecutionNotRedrivableError when there is nothing to redrive or the log cannot be read.
 */
export const redriveLocal = async (options: RedriveLocalOptions): Promise<LocalExecution> => {
  const parsed = LocalExecution.safeParse(options.previous);
  const name = (options.previous as { executionName?: string })?.executionName ?? '?';
  if (!parsed.success)
    throw new ExecutionNotRedrivableError(name, 'its event log is invalid', { cause: parsed.error });
  const previous = parsed.data;
  const { definition } = options;
  const [mapName, map] = theMap(definition);
  if (map.Next === undefined && map.End !== true) throw new WorkflowConfigInvalidError('the Map has no Next');
  const stopped = readLog(previous.events, mapName);
  const rerunFailed = options.rerunFailedBranches ?? true;

  // Which iterations run again, when the redrive goes through the Map.
  const items = stopped.mapInput === undefined ? undefined : getPath(stopped.mapInput, map.ItemsPath);
  const priorResults =
    stopped.mapOutput === undefined ? undefined : getPath(stopped.mapOutput, map.ResultPath);
  const prior = (i: number): unknown =>
    Array.isArray(priorResults) ? priorResults[i] : stopped.iterations.get(i)?.output;
  const rerun = Array.isArray(items)
    ? items
        .map((_, i) => i)
        .filter((i) => {
          const done = Array.isArray(priorResults) || stopped.iterations.get(i)?.succeeded === true;
          return !done || (rerunFailed && isFailedBranch(prior(i)));
        })
    : [];

  type Plan = { kind: 'map' } | { kind: 'from'; state: string; input: unknown };
  let plan: Plan | undefined;
  const last = stopped.last;
  const throughMap = stopped.mapInput !== undefined && rerun.length > 0;
  if (previous.status === 'SUCCEEDED') {
    if (throughMap && stopped.mapOutput !== undefined) plan = { kind: 'map' };
  } else if (throughMap && (last?.name === mapName || stopped.mapOutput !== undefined)) {
    plan = { kind: 'map' };
  } else if (last === undefined) {
    const started = previous.events.find((e) => e.type === 'ExecutionStarted');
    plan = {
      kind: 'from',
      state: definition.StartAt,
      input: started && 'input' in started ? started.input : {},
    };
  } else if (last.exited && last.name === mapName) {
    plan = map.End ? undefined : { kind: 'from', state: map.Next as string, input: stopped.mapOutput };
  } else {
    plan = { kind: 'from', state: last.name, input: last.input };
  }
  if (plan === undefined) {
    throw new ExecutionNotRedrivableError(
      previous.executionName,
      previous.status === 'SUCCEEDED'
        ? 'it succeeded and no branch FAILED'
        : 'no unfinished state in its log',
    );
  }

  const redrive = previous.events.reduce((n, e) => Math.max(n, e.redrive), 0) + 1;
  const sink = new EventSink([...previous.events], redrive, options.onEvent);
  const settings = interpreterSettings(options, previous.executionName, sink);
  sink.push({
    type: 'RedriveStarted',
    at: Date.now(),
    from: plan.kind === 'map' ? mapName : plan.state,
    iterations: plan.kind === 'map' ? rerun : [],
  });

  if (plan.kind === 'from') {
    const result = await runSegment(settings, {
      definition: tailFrom(definition, plan.state),
      input: plan.input,
    });
    return finishExecution(settings, result);
  }

  // The Map, with only the iterations to re-run (the same ItemSelector rebuilds their original inputs).
  const mapInput = stopped.mapInput;
  sink.push({
    type: 'StateEntered',
    at: Date.now(),
    state: mapName,
    stateType: 'Map',
    input: mapInput ?? null,
  });
  const subset = rerun.map((i) => (items as unknown[])[i]);
  const { Next: _next, ...mapAlone } = map;
  const mapOnly: AslDefinition = {
    ...definition,
    StartAt: mapName,
    States: { [mapName]: { ...mapAlone, End: true } },
  };
  const again = await runSegment(settings, {
    definition: mapOnly,
    input: setPath(mapInput, map.ItemsPath, subset),
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
  const rerunResults = getPath(again.output, map.ResultPath) as unknown[];
  const merged = (items as unknown[]).map((_, i) => {
    const k = rerun.indexOf(i);
    return k >= 0 ? rerunResults[k] : prior(i);
  });
  const mapOutput = setPath(mapInput, map.ResultPath, merged);
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
