/**
 * Step Functions' history-event accounting, applied to the definition: a Standard execution's history may
 * hold at most 25,000 events, and every state it passes writes several (a Task five: entered, scheduled,
 * started, succeeded, exited; a Choice, Pass or Succeed two; a Map four, plus two per iteration; a retry
 * three more: failed, scheduled, started; the execution two). One trading day is one execution whose inline
 * planning Map runs one iteration per strategy and whose execution Map one per per-book strategy, so the
 * day's strategy count has a ceiling.
 *
 * `dayHistoryEvents` walks the definition along the path a clean day takes (the Choices decided by what
 * the day's items are: per-book or aggregated, a pool or none, nothing to retry) and counts; the contract's
 * {@link HistoryEvents} holds the same figures for the steps that enforce the ceiling (PrepareRun, the
 * CLI), and a test keeps the two equal. `awsHistoryEventsOf` counts a local execution's log the same way.
 */
import type { AslDefinition, AslState, ChoiceComparison, ChoiceRule, StateGraph } from './asl.ts';
import type { DayShape } from './contract.ts';
import type { WorkflowEvent } from './events.ts';
import { getPath } from './json-path.ts';
import { StateNames } from './state-names.ts';

/** Events a state writes when it is entered and left normally (without retries). */
const EVENTS_OF: Record<AslState['Type'], number> = {
  Task: 5,
  Choice: 2,
  Pass: 2,
  Succeed: 2,
  Fail: 1,
  Map: 4,
  Parallel: 4,
};
/** Each Map iteration: started and succeeded. */
const EVENTS_PER_ITERATION = 2;
/** The execution itself: started, and how it ended. */
const EVENTS_OF_EXECUTION = 2;
/** A Task retried once more: failed (or timed out), scheduled, started. */
export const EVENTS_PER_RETRY = 3;

/** The Choice rule `rule` on `doc` (the comparisons this definition uses). */
const matches = (rule: ChoiceRule, doc: unknown): boolean => {
  const one = (c: ChoiceComparison): boolean => {
    const v = getPath(doc, c.Variable);
    if (c.StringEquals !== undefined) return v === c.StringEquals;
    if (c.BooleanEquals !== undefined) return v === c.BooleanEquals;
    if (c.NumericGreaterThan !== undefined) return typeof v === 'number' && v > c.NumericGreaterThan;
    if (c.IsPresent !== undefined) return (v !== undefined) === c.IsPresent;
    return false;
  };
  return 'And' in rule ? rule.And.every(one) : one(rule);
};

/** Events of a walk through `graph` from its start, Choices decided on `doc`; Maps count `mapEvents`. */
const walk = (graph: StateGraph, doc: unknown, mapEvents: (name: string) => number): number => {
  let events = 0;
  let name: string | undefined = graph.StartAt;
  for (let guard = 0; name !== undefined && guard < 1000; guard++) {
    const state: AslState | undefined = graph.States[name];
    if (!state) throw new Error(`state ${name} is not in the graph`);
    events += EVENTS_OF[state.Type];
    if (state.Type === 'Map') events += mapEvents(name);
    if (state.Type === 'Parallel') for (const b of state.Branches) events += walk(b, doc, mapEvents);
    if (state.Type === 'Choice') name = state.Choices.find((c) => matches(c, doc))?.Next ?? state.Default;
    else if (state.Type === 'Succeed' || state.Type === 'Fail') name = undefined;
    else name = state.End ? undefined : state.Next;
  }
  return events;
};

/** The events of one iteration of the Map `name` on a clean path, Choices decided on `doc`. */
const mapIterationEvents = (definition: AslDefinition, name: string, doc: unknown): number => {
  const map = definition.States[name];
  if (map?.Type !== 'Map') throw new Error(`${name} is not a Map`);
  return EVENTS_PER_ITERATION + walk(map.ItemProcessor, doc, () => 0);
};

/**
 * The events of a strategy of `flow` on the first run of a clean day: its planning Map iteration, and for a
 * per-book one its iterations of the sells and execution Maps too.
 */
export const iterationHistoryEvents = (definition: AslDefinition, flow: 'per-book' | 'aggregated'): number =>
  mapIterationEvents(definition, StateNames.Strategies, { flow }) +
  (flow === 'per-book'
    ? mapIterationEvents(definition, StateNames.Sells, { flow }) +
      mapIterationEvents(definition, StateNames.Executions, { flow })
    : 0);

/** The events of one Shadows iteration (one paper book) that succeeds. */
export const paperBookHistoryEvents = (definition: AslDefinition): number =>
  mapIterationEvents(definition, StateNames.Shadows, {});

/** The events of a clean trading day of `shape` (no retry, no failure), by AWS's accounting. */
export const dayHistoryEvents = (definition: AslDefinition, shape: DayShape): number => {
  const perIteration = {
    'per-book': iterationHistoryEvents(definition, 'per-book'),
    aggregated: iterationHistoryEvents(definition, 'aggregated'),
  };
  const day = {
    prepare: { action: 'TRADE', hasPool: shape.aggregated > 0, hasShadows: (shape.paperBooks ?? 0) > 0 },
    // PlanPool's output: the pool planned, so it executes after the execution Map.
    pool: shape.aggregated > 0 ? { action: 'rebalance' } : {},
    // The worst clean case: every book, and the pool, has a sell left after netting.
    netting: { poolSells: shape.aggregated > 0 },
    finalize: { retryBranches: 0, retryPool: false },
  };
  return (
    EVENTS_OF_EXECUTION +
    walk(definition, day, (name) => {
      if (name === StateNames.Strategies)
        return shape.perBook * perIteration['per-book'] + shape.aggregated * perIteration.aggregated;
      if (name === StateNames.Shadows) return (shape.paperBooks ?? 0) * paperBookHistoryEvents(definition);
      return 0;
    })
  );
};

/**
 * The history events of a local execution's log (its first attempt), counted as Step Functions writes them:
 * what each state entered writes, each retry, each Map iteration, and the execution's start and end.
 */
export const awsHistoryEventsOf = (events: readonly WorkflowEvent[]): number => {
  let n = 0;
  for (const e of events) {
    if (e.redrive !== 0) continue;
    if (e.type === 'ExecutionStarted') n += 1;
    else if (e.type.startsWith('Execution')) n += 1;
    else if (e.type === 'StateEntered') n += EVENTS_OF[e.stateType as AslState['Type']] ?? 2;
    else if (e.type === 'StateRetried') n += EVENTS_PER_RETRY;
    else if (e.type === 'MapIterationStarted') n += EVENTS_PER_ITERATION;
  }
  return n;
};
