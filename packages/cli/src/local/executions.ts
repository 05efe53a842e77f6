/**
 * Local executions on disk: each execution's event log (`runs/<executionName>.json`), so `ensemble redrive`
 * can re-run what failed with the original inputs. Execution names are the trading day, plus `-2`, `-3`...
 * for later starts of the same day (which PrepareRun turns into a SKIP: the day trades once).
 */
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalExecution } from '@ensemble/workflow';
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
  await writeFile(`${path}.tmp`, `${JSON.stringify(execution)}\n`);
  await rename(`${path}.tmp`, path);
}

/** The run id an execution's PrepareRun produced, if it got that far. */
export function runIdOfExecution(execution: LocalExecution): string | null {
  for (const e of execution.events) {
    if (e.type === 'TaskSucceeded' && e.task === 'PrepareRun') {
      const out = e.output as { runId?: unknown };
      if (typeof out.runId === 'string') return out.runId;
    }
  }
  return null;
}

/** The latest execution of `runId` (by the time it started), or null. */
export async function latestExecutionOfRun(home: LocalHome, runId: string): Promise<LocalExecution | null> {
  let best: { at: number; execution: LocalExecution } | null = null;
  for (const f of await readdir(home.runs)) {
    if (!f.endsWith('.json')) continue;
    const parsed = LocalExecution.safeParse(JSON.parse(await readFile(join(home.runs, f), 'utf8')));
    if (!parsed.success) continue;
    if (runIdOfExecution(parsed.data) !== runId) continue;
    const at = parsed.data.events[0]?.at ?? 0;
    if (!best || at > best.at) best = { at, execution: parsed.data };
  }
  return best?.execution ?? null;
}
