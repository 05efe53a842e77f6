/**
 * How a local day (a run, a redrive, a reopened day) ended, for people and scripts: the exit code, the one
 * command that recovers when something is left to do, and the printed report.
 *
 * What recovers what:
 *  - the execution FAILED, ABORTED (Ctrl-C, or a killed process's saved log) or TIMED_OUT → `redrive <run>`;
 *  - the run is FAILED (a later start of the day was skipped) → `redrive <run>`;
 *  - strategies BLOCKED by the kill switch → `kill-switch off` (which then names the redrive);
 *  - strategies BLOCKED by another rail (limits, equity drop, a strategy disabled...) → `redrive <run>`
 *    once the cause is fixed (it reopens the day);
 *  - strategies BLOCKED by their data → nothing recovers that day (its run keeps the snapshot it took): the
 *    data is fixed for the next session's run;
 *  - the broker could not be reached to reconcile → `reconcile` once it answers;
 *  - the books differ from the broker → `repair <run>` (books what the broker has under the run's ids).
 */
import { ErrorNames, errorTraits } from '@ensemble/core';
import type { LocalExecution } from '@ensemble/workflow';
import type { CliIO } from '../io.ts';
import { runIdOfExecution } from './executions.ts';
import { type CommandContext, commandLine, nextLine } from './next-step.ts';
import { formatReport, type RunReport } from './report.ts';

const skipOf = (execution: LocalExecution) =>
  execution.output as { action?: string; reason?: string } | undefined;

/** The run statuses a later start of the day skips although the day did not trade as planned. */
const UNFINISHED = new Set(['FAILED', 'BLOCKED', 'RUNNING']);

/** The exit code of a finished day: 0 clean, 1 when anything needs the operator's attention, 130 on Ctrl-C. */
export function exitCodeOf(execution: LocalExecution, report: RunReport | null): number {
  if (execution.status === 'ABORTED') return 130;
  if (execution.status !== 'SUCCEEDED' || !report) return 1;
  if (skipOf(execution)?.action === 'SKIP') return UNFINISHED.has(report.status) ? 1 : 0;
  const bad = report.strategies.some((s) => s.outcome === 'FAILED' || s.outcome === 'BLOCKED');
  return bad || !report.reconciliation.ok ? 1 : 0;
}

/** A strategy blocked by its inputs' data (not a rail that can be lifted). */
const blockedByData = (s: RunReport['strategies'][number]): boolean =>
  s.outcome === 'BLOCKED' && s.error !== undefined && s.error.name !== ErrorNames.RailTripped;

/** The one command (or, when no command can, the one thing) that recovers; null when nothing is left. */
export function nextStepOf(
  execution: LocalExecution,
  report: RunReport | null,
  ctx: CommandContext,
  io: CliIO,
): string | null {
  const runId = report?.runId ?? runIdOfExecution(execution);
  const redrive = runId === null ? null : commandLine(ctx, io, 'redrive', runId);
  if (execution.status !== 'SUCCEEDED') return redrive;
  if (!report) return null;
  const blocked = report.strategies.filter((s) => s.outcome === 'BLOCKED');
  if (report.killSwitch.enabled && blocked.length > 0) return commandLine(ctx, io, 'kill-switch', 'off');
  if (report.status === 'FAILED' || report.strategies.some((s) => s.outcome === 'FAILED')) return redrive;
  const railed = blocked.filter((s) => !blockedByData(s));
  if (railed.length > 0) return redrive;
  if (report.reconciliation.error !== undefined) return commandLine(ctx, io, 'reconcile');
  if (!report.reconciliation.ok) return commandLine(ctx, io, 'repair', report.runId);
  if (report.status === 'RUNNING') return redrive;
  const byData = blocked.filter(blockedByData);
  if (byData.length > 0) {
    const names = [...new Set(byData.map((s) => s.error?.name ?? 'data'))].join(', ');
    return (
      `fix the market data (${names}); this day's run keeps the snapshot it took, the next session's ` +
      'run reads the fixed data'
    );
  }
  return null;
}

/** Prints a day: the report (text or one JSON line), and the next step when there is one. */
export function printDay(
  io: CliIO,
  execution: LocalExecution,
  report: RunReport | null,
  json: boolean,
  next: string | null,
): void {
  const skip = skipOf(execution);
  if (json) {
    io.out(
      JSON.stringify({
        ...(report ?? {
          runId: runIdOfExecution(execution),
          strategies: [],
          reconciliation: { ok: false, differences: [] },
        }),
        execution: {
          name: execution.executionName,
          status: execution.status,
          ...(execution.error ? { error: execution.error } : {}),
          ...(skip?.action === 'SKIP' ? { skipped: skip.reason ?? 'skipped' } : {}),
          transitions: execution.transitions,
        },
        ...(next === null ? {} : { next }),
      }),
    );
    return;
  }
  if (skip?.action === 'SKIP') io.out(`Skipped: ${skip.reason ?? 'nothing to do'}`);
  if (execution.status !== 'SUCCEEDED') {
    const why = execution.error ? `: ${execution.error.Error}: ${execution.error.Cause}` : '';
    io.out(`Execution ${execution.executionName} ${execution.status}${why}`);
  }
  if (report) for (const line of formatReport(report)) io.out(line);
  if (next !== null) io.out(nextLine(next));
}

/** True when a thrown error may pass if the same command is run again later (a broker or ledger outage). */
export const isTransient = (e: unknown): boolean =>
  e instanceof Error && errorTraits(e.name)?.retryable === true;
