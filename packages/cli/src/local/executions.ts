/**
 * Local executions on disk: each execution's event log (`runs/<executionName>.json`), so `ensemble redrive`
 * can re-run what failed with the original inputs. Execution names are the trading day, plus `-2`, `-3`...
 * for later starts of the same day (which PrepareRun turns into a SKIP: the day trades once).
 *
 * The log is written while the execution runs (a {@link ExecutionJournal}), not only at its end: a process
 * killed mid-run leaves the log of what it did, saved as ABORTED — which is what a killed execution is — so
 * the redrive re-runs exactly what had not finished. Every write is atomic (a temporary file, then a rename).
 */
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runIdOf } from '@ensemble/ledger';
import {
  countTransitions,
  ExecutionInput,
  LocalExecution,
  localExecutionArn,
  type WorkflowEvent,
} from '@ensemble/workflow';
import type { LocalHome } from './home.ts';

const fileOf = (home: LocalHome, name: string) => join(home.runs, `${name}.json`);

/** A fresh execution name for `day`. */
export async function nextExecutionName(home: LocalHome, day: string): Promise<string> {
  const taken = new Set((await readdir(home.runs)).map((f) => f.replace(/\.json$/, '')));
  if (!taken.has(day)) return day;
  for (let n = 2; ; n++) if (!taken.has(`${day}-${n}`)) return `${day}-${n}`;
}

/** Persist an execution atomically (write then rename). */
export async function saveExecution(home: LocalHome, execution: LocalExecution): Promise<void> {
  const path = fileOf(home, execution.executionName);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(execution)}\n`);
  await rename(tmp, path);
}

/**
 * The run id of an execution: what its PrepareRun produced, else (PrepareRun never finished) the day and
 * stage of its input; null when neither is known.
 */
export function runIdOfExecution(execution: LocalExecution): string | null {
  for (const e of execution.events) {
    if (e.type === 'TaskSucceeded' && e.task === 'PrepareRun') {
      const out = e.output as { runId?: unknown };
      if (typeof out.runId === 'string') return out.runId;
    }
  }
  const started = execution.events.find((e) => e.type === 'ExecutionStarted');
  const input = ExecutionInput.safeParse(started?.type === 'ExecutionStarted' ? started.input : undefined);
  if (input.success && input.data.tradingDay && input.data.stage)
    return runIdOf(input.data.tradingDay, input.data.stage);
  return null;
}

/** The executions of one run on disk, oldest first, and the files that could not be read. */
export interface RunExecutions {
  readonly executions: LocalExecution[];
  /** `runs/` files that are not an execution log (truncated, edited): named, never fatal. */
  readonly unreadable: string[];
}

/** Every saved execution of `runId` (by the time each started), and the unreadable files of `runs/`. */
export async function executionsOfRun(home: LocalHome, runId: string): Promise<RunExecutions> {
  const found: { at: number; execution: LocalExecution }[] = [];
  const unreadable: string[] = [];
  for (const f of (await readdir(home.runs)).sort()) {
    if (!f.endsWith('.json')) continue;
    let parsed: ReturnType<typeof LocalExecution.safeParse>;
    try {
      parsed = LocalExecution.safeParse(JSON.parse(await readFile(join(home.runs, f), 'utf8')));
    } catch {
      unreadable.push(join(home.runs, f));
      continue;
    }
    if (!parsed.success) {
      unreadable.push(join(home.runs, f));
      continue;
    }
    if (runIdOfExecution(parsed.data) !== runId) continue;
    found.push({ at: parsed.data.events[0]?.at ?? 0, execution: parsed.data });
  }
  found.sort((a, b) => a.at - b.at);
  return { executions: found.map((f) => f.execution), unreadable };
}

/**
 * The execution a redrive continues: the latest one that did not succeed (a later start of the same day
 * that was skipped, or succeeded, is not it). Null when every execution succeeded.
 */
export const redrivableExecution = (executions: readonly LocalExecution[]): LocalExecution | null =>
  [...executions].reverse().find((e) => e.status !== 'SUCCEEDED') ?? null;

/** Fewest milliseconds between two saves of a running execution's log. */
const SAVE_EVERY_MS = 1000;

/**
 * The log of an execution while it runs, saved as ABORTED at most every {@link SAVE_EVERY_MS} (and never
 * more often than four times the last save took, so a long log costs a bounded share of the run). Feed
 * it every event (`record`); `close` waits for the write in flight and stops (the caller then saves the
 * finished execution). A redrive started on it later re-runs what the events do not show as finished.
 */
export class ExecutionJournal {
  readonly #home: LocalHome;
  readonly #events: WorkflowEvent[];
  readonly #executionName: string;
  #writing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastMs = 0;
  #closed = false;

  /** `previous`: the execution a redrive continues (its events come first). */
  constructor(home: LocalHome, executionName: string, previous?: LocalExecution) {
    this.#home = home;
    this.#executionName = executionName;
    this.#events = previous ? [...previous.events] : [];
  }

  /** Record one event (the runner's `onEvent`). */
  record = (e: WorkflowEvent): void => {
    if (this.#closed) return;
    this.#events.push(e);
    if (this.#timer === null && this.#writing === null) {
      const wait = Math.max(SAVE_EVERY_MS, this.#lastMs * 4);
      this.#timer = setTimeout(() => this.#save(), e.type === 'ExecutionStarted' ? 0 : wait);
      this.#timer.unref();
    }
  };

  #save(): void {
    this.#timer = null;
    if (this.#closed) return;
    const started = performance.now();
    const events = [...this.#events];
    this.#writing = saveExecution(this.#home, {
      executionName: this.#executionName,
      executionId: localExecutionArn(this.#executionName),
      status: 'ABORTED',
      events,
      transitions: countTransitions(events),
    })
      .catch(() => undefined)
      .finally(() => {
        this.#lastMs = performance.now() - started;
        this.#writing = null;
      });
  }

  /** Stop saving; resolves once no write is in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#writing;
  }
}
