/** The {@link RunLedger} role in memory: runs, each strategy's outcome in them, and a run's timeline. */

import { isReplayedRunMove, newRun, runStatusChange, SameOn, sameOn } from '../repository/records.ts';
import type { RunLedger, RunTimeline } from '../repository/runs.ts';
import { runIdOf } from '../repository/runs.ts';
import type { PageOptions, Run, TransitionResult } from '../types.ts';
import { createOnce, type MemoryCtx } from './store.ts';
import { cursorOf, DEFAULT_LIMIT, SEP, sortOfCursor } from './table.ts';

/**
 * One page of a run's timeline: its records in the order of the DynamoDB `runTimeline` collection (kinds by
 * entity name — fill, order, plan, poolAttribution, run, signal, strategyRun — each in key order).
 */
const timeline = (
  m: MemoryCtx,
  runId: string,
  options: PageOptions,
): { data: RunTimeline; cursor: string | null } => {
  const s = m.store;
  const data: RunTimeline = {
    runs: [],
    strategyRuns: [],
    signals: [],
    plans: [],
    poolAttributions: [],
    orders: [],
    fills: [],
  };
  // Each kind's rows with the list they go to, in collection order; a row's place is its rank and key.
  const merged: { sort: string; take: () => void }[] = [];
  const add = <T>(rank: number, rows: { sort: string; row: T }[], into: T[]) => {
    for (const { sort, row } of rows)
      merged.push({ sort: `${rank}${SEP}${sort}`, take: () => into.push(row) });
  };
  add(0, s.fills.sorted('byRun', runId), data.fills);
  add(1, s.orders.sorted('byRun', runId), data.orders);
  add(2, s.plans.sorted('byRun', runId), data.plans);
  add(3, s.poolAttributions.sorted('byRun', runId), data.poolAttributions);
  add(4, s.runs.sorted('byRun', runId), data.runs);
  add(5, s.signals.sorted('byRun', runId), data.signals);
  add(6, s.strategyRuns.sorted('byRun', runId), data.strategyRuns);
  const after = options.cursor == null ? null : sortOfCursor(options.cursor);
  const limit = options.limit ?? DEFAULT_LIMIT;
  let taken = 0;
  let last = '';
  for (const { sort, take } of merged) {
    if (after !== null && sort <= after) continue;
    if (taken === limit) return { data, cursor: cursorOf(last) };
    take();
    taken++;
    last = sort;
  }
  return { data, cursor: null };
};

const updateRunStatus: (m: MemoryCtx) => RunLedger['updateRunStatus'] = (m) => async (input) => {
  const { set, entry } = runStatusChange(input, m.now());
  m.write('updateRunStatus');
  const current = m.store.runs.get(input.runId) ?? null;
  if (current?.status === input.expected) {
    const item = m.store.runs.put({ ...current, ...set, statusHistory: [...current.statusHistory, entry] });
    return { status: 'updated', item };
  }
  if (current && isReplayedRunMove(current, input)) return { status: 'replayed', item: current };
  return { status: 'conflict', current } satisfies TransitionResult<Run>;
};

/** The {@link RunLedger} over a memory store. */
export const memoryRunLedger = (m: MemoryCtx): RunLedger => ({
  createRun: async (input) => {
    const run = newRun(input, runIdOf(input.tradingDay, input.stage), m.now());
    return createOnce(m, 'createRun', m.store.runs, run, (e) => sameOn(run, e, SameOn.run));
  },
  getRun: async (runId) => m.store.runs.get(runId) ?? null,
  updateRunStatus: updateRunStatus(m),
  listRuns: async (o) => m.store.runs.page('byDay', '', o),
  getRunTimeline: async (runId, options = {}) => timeline(m, runId, options),
  recordStrategyRun: async (input) =>
    createOnce(m, 'recordStrategyRun', m.store.strategyRuns, input, (e) =>
      sameOn(input, e, SameOn.strategyRun),
    ),
  supersedeFailedStrategyRun: async (input) => {
    m.write('supersedeFailedStrategyRun');
    const table = m.store.strategyRuns;
    const current = table.get(table.key(input)) ?? null;
    // As DynamoDB's conditional put: only a FAILED or BLOCKED outcome is replaced (a redrive, a reopened day).
    if (current?.outcome === 'FAILED' || current?.outcome === 'BLOCKED') {
      return { status: 'updated', item: table.put(input) };
    }
    if (current && sameOn(input, current, SameOn.strategyRun)) return { status: 'replayed', item: current };
    return { status: 'conflict', current };
  },
  listStrategyRunsOfRun: async (runId, o) => m.store.strategyRuns.page('byRun', runId, o),
  listStrategyRunsOfStrategy: async (strategyId, o) =>
    m.store.strategyRuns.page('byStrategyDay', strategyId, o),
});
