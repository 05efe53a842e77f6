/**
 * Child process of the workflow benchmark: one local trading day through the same path as `ensemble run`
 * (`openSession` → `runDay`: the one definition run by `runLocal` with the real steps, the embedded dynalite
 * on disk in a fresh home, the SimBroker, the bundled market data), timed, in a process of its own so every
 * day starts cold and the peak RSS is the day's. Prints one JSON line ({@link DayFigures}).
 *
 * Usage: `node --import tsx test/bench/workflow-day.ts <config.yaml> <YYYY-MM-DD>`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type LocalExecution, largestPayload, StateNames, type WorkflowEvent } from '@ensemble/workflow';
import { runDay } from '../../packages/cli/src/commands/trade.ts';
import type { CliIO } from '../../packages/cli/src/io.ts';
import { resolveHome } from '../../packages/cli/src/local/home.ts';
import { openSession } from '../../packages/cli/src/local/session.ts';

/** Calls of one task in the execution: how many, and their summed and largest handler time. */
export interface TaskTime {
  readonly calls: number;
  readonly failed: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

/** What one measured day reports. */
export interface DayFigures {
  readonly strategies: number;
  /** `MaxConcurrency` of the session's Map state (Map iterations run at once). */
  readonly maxConcurrency: number | null;
  readonly status: string;
  /** `openSession`: config load (every strategy file parsed), dynalite on disk, tables, world. */
  readonly startupMs: number;
  /** The whole `runDay` call: execution, saving the event log, reconciliation, report. */
  readonly runDayMs: number;
  /** From the first to the last event of the execution's log. */
  readonly executionMs: number;
  /** Wall time of the run-level phases: before the Map, the Map (first pass), after it. */
  readonly phasesMs: { readonly beforeMap: number; readonly map: number; readonly afterMap: number };
  /** Handler time per task (Map tasks overlap, up to MaxConcurrency at once). */
  readonly tasks: Record<string, TaskTime>;
  readonly closeMs: number;
  readonly transitions: LocalExecution['transitions'];
  /** Retries the interpreter made (StateRetried events), by state. */
  readonly retries: Record<string, number>;
  /** Failed task calls (retried or caught), by error name. */
  readonly taskErrors: Record<string, number>;
  /** Map iterations whose branch failed and was caught (before any retry pass). */
  readonly caughtBranches: number;
  /** Orders of the run (per-book and pool), and how many of them filled. */
  readonly orders: number;
  readonly filledOrders: number;
  /** Strategies by outcome in the final report (`TRADED`, `NO_CHANGE`, `FAILED`...). */
  readonly outcomes: Record<string, number>;
  readonly reconciliationOk: boolean | null;
  readonly largestPayload: { bytes: number; state: string; field: string; event: string };
  /** Ledger list queries during `runDay`: calls and items returned, per method (pass-through counting). */
  readonly ledgerLists: Record<string, { calls: number; items: number }>;
  readonly maxRssMb: number;
}

const mapConcurrency = (state: unknown): number | null => {
  const value = (state as { MaxConcurrency?: unknown } | undefined)?.MaxConcurrency;
  return typeof value === 'number' ? value : null;
};

/** Counts calls and returned items of every `list*` method of `target`, returning the very same promises. */
const countLists = (target: object): Record<string, { calls: number; items: number }> => {
  const counts: Record<string, { calls: number; items: number }> = {};
  const methods = target as Record<string, unknown>;
  for (const name of Object.keys(methods)) {
    const f = methods[name];
    if (!name.startsWith('list') || typeof f !== 'function') continue;
    const c = { calls: 0, items: 0 };
    counts[name] = c;
    methods[name] = (...args: unknown[]) => {
      c.calls += 1;
      const p = f.apply(target, args) as unknown;
      if (p instanceof Promise) {
        p.then(
          (r: { data?: unknown }) => {
            if (Array.isArray(r?.data)) c.items += r.data.length;
          },
          () => {},
        );
      }
      return p;
    };
  }
  return counts;
};

const phasesOf = (events: readonly WorkflowEvent[]): DayFigures['phasesMs'] => {
  const start = events[0]?.at ?? 0;
  const end = events.at(-1)?.at ?? start;
  const entered = events.find((e) => e.type === 'StateEntered' && e.state === StateNames.Strategies);
  const exited = events.find((e) => e.type === 'StateExited' && e.state === StateNames.Strategies);
  if (!entered || !exited) return { beforeMap: end - start, map: 0, afterMap: 0 };
  return { beforeMap: entered.at - start, map: exited.at - entered.at, afterMap: end - exited.at };
};

const tasksOf = (events: readonly WorkflowEvent[]): Record<string, TaskTime> => {
  const out: Record<string, { calls: number; failed: number; totalMs: number; maxMs: number }> = {};
  for (const e of events) {
    if (e.type !== 'TaskSucceeded' && e.type !== 'TaskFailed') continue;
    const t = (out[e.task] ??= { calls: 0, failed: 0, totalMs: 0, maxMs: 0 });
    t.calls += 1;
    if (e.type === 'TaskFailed') t.failed += 1;
    t.totalMs += e.durationMs;
    t.maxMs = Math.max(t.maxMs, e.durationMs);
  }
  return out;
};

const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
};

const [configArg, day] = process.argv.slice(2);
if (!configArg || !day) throw new Error('usage: workflow-day.ts <config.yaml> <YYYY-MM-DD>');

const quiet: CliIO = { out() {}, err() {}, cwd: process.cwd(), env: {} };
const root = await mkdtemp(join(tmpdir(), 'ensemble-bench-home-'));
try {
  const home = resolveHome(root, {}, process.cwd());
  const t0 = performance.now();
  const session = await openSession(home, resolve(configArg));
  const t1 = performance.now();
  const ledgerLists = countLists(session.world.ledger);
  let figures: Omit<DayFigures, 'closeMs' | 'maxRssMb'>;
  let closeMs = 0;
  try {
    const { execution, report } = await runDay(session, home, day, quiet, { json: true });
    const t2 = performance.now();
    const events = execution.events;
    const orders = report
      ? [...report.strategies.flatMap((s) => s.orders), ...(report.pool?.orders ?? [])]
      : [];
    const outcomes: Record<string, number> = {};
    for (const s of report?.strategies ?? []) outcomes[s.outcome] = (outcomes[s.outcome] ?? 0) + 1;
    const largest = largestPayload(events);
    figures = {
      strategies: session.config.strategies.filter((s) => s.enabled).length,
      maxConcurrency: mapConcurrency(session.definition.States[StateNames.Strategies]),
      status: execution.status,
      startupMs: t1 - t0,
      runDayMs: t2 - t1,
      executionMs: (events.at(-1)?.at ?? 0) - (events[0]?.at ?? 0),
      phasesMs: phasesOf(events),
      tasks: tasksOf(events),
      transitions: execution.transitions,
      retries: countBy(
        events.filter((e) => e.type === 'StateRetried'),
        (e) => e.state,
      ),
      taskErrors: countBy(
        events.filter((e) => e.type === 'TaskFailed'),
        (e) => e.error.Error,
      ),
      caughtBranches: events.filter((e) => e.type === 'StateCaught' && e.iteration !== undefined).length,
      orders: orders.length,
      filledOrders: orders.filter((o) => o.status === 'FILLED').length,
      outcomes,
      reconciliationOk: report ? report.reconciliation.ok : null,
      largestPayload: {
        bytes: largest.bytes,
        state: largest.state,
        field: largest.field,
        event: largest.event,
      },
      ledgerLists: Object.fromEntries(Object.entries(ledgerLists).filter(([, c]) => c.calls > 0)),
    };
  } finally {
    const t3 = performance.now();
    await session.close();
    closeMs = performance.now() - t3;
  }
  const result: DayFigures = {
    ...figures,
    closeMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
