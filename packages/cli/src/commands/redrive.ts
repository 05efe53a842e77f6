/**
 * `ensemble redrive <run id | day>`: finish a local trading day that did not trade as planned.
 *
 *  - The day's latest execution that did not succeed (FAILED, ABORTED by Ctrl-C, or the log a killed process
 *    left) is redriven as Step Functions would: its failed branches re-run with their original input, then
 *    the states after them. A later start of the same day (skipped: the day trades once) is not it.
 *  - With no such execution — the run BLOCKED by a rail since lifted (the kill switch), or its log lost —
 *    the day is reopened: a new execution with `reopen`, which runs every branch of the run again, each step
 *    finding what the earlier attempts recorded.
 * Either way client order ids make it safe: an order placed before is found and adopted, never placed twice.
 *
 * A redrive honours the kill switch and the strategies' `enabled` flags as they are now: with the kill
 * switch on it refuses (nothing could trade); a strategy disabled since the run started places nothing new,
 * and what it had already placed is followed and booked (it ends BLOCKED `strategy-disabled`).
 */
import { resolve } from 'node:path';
import { isIsoDate } from '@ensemble/core';
import { runIdOf } from '@ensemble/ledger';
import { type LocalExecution, redriveLocal } from '@ensemble/workflow';
import type { CliIO } from '../io.ts';
import { exitCodeOf, nextStepOf, printDay } from '../local/day-result.ts';
import { ExecutionJournal, executionsOfRun, redrivableExecution } from '../local/executions.ts';
import { resolveHome } from '../local/home.ts';
import { commandContextOf, commandLine, nextLine } from '../local/next-step.ts';
import { Progress } from '../local/progress.ts';
import type { RunReport } from '../local/report.ts';
import { commandSessionOptions, openSession } from '../local/session.ts';
import { LOCAL_STAGE, type LocalBroker } from '../local/world.ts';
import { runDay, settleExecution } from './trade.ts';

export interface RedriveOptions {
  /** A run id (`2025-11-28.local`) or a trading day (`2025-11-28`). */
  readonly runId: string;
  readonly config: string;
  readonly json: boolean;
  readonly home?: string;
  /** @default the broker the home trades with */
  readonly broker?: LocalBroker;
}

/** `2025-11-28` → `2025-11-28.local`; a run id as it is. */
export const runIdFromArgument = (arg: string): string => (isIsoDate(arg) ? runIdOf(arg, LOCAL_STAGE) : arg);

export async function redriveCommand(o: RedriveOptions, io: CliIO): Promise<number> {
  const home = resolveHome(o.home, io.env, io.cwd);
  const runId = runIdFromArgument(o.runId);
  const ctx = commandContextOf(home, o);
  const session = await openSession(home, resolve(io.cwd, o.config), commandSessionOptions(o, io));
  const fail = (message: string, next: string | null): number => {
    io.err(`ensemble: ${message}`);
    if (next !== null) io.err(nextLine(next));
    return 1;
  };
  try {
    for (const n of session.world.notices) io.err(`note: ${n}`);
    const { ledger } = session.world;
    const [run, kill, saved] = await Promise.all([
      ledger.getRun(runId),
      ledger.getKillSwitch(),
      executionsOfRun(home, runId),
    ]);
    for (const f of saved.unreadable) io.err(`warning: ${f} is not an execution log (truncated?): ignored`);
    const day = run?.tradingDay ?? runId.slice(0, 10);
    if (run?.status === 'SUCCEEDED') {
      io.out(`Run ${runId} SUCCEEDED: nothing to redrive`);
      return 0;
    }
    const previous = redrivableExecution(saved.executions);
    if (!run && !previous) {
      return fail(
        `no run and no local execution of ${runId} under ${home.root}`,
        isIsoDate(day) ? commandLine(ctx, io, 'run', '--date', day) : null,
      );
    }
    if (kill.enabled) {
      return fail(
        `the kill switch is on (${kill.reason || 'no reason given'}): a redrive would place no order. ` +
          `Lift it when it is safe, then redrive ${runId}`,
        commandLine(ctx, io, 'kill-switch', 'off'),
      );
    }
    const started = performance.now();
    let execution: LocalExecution;
    let report: RunReport | null;
    if (previous) {
      await session.world.setDay(day);
      if (!o.json) io.out(`Ensemble — redriving ${previous.executionName} (run ${runId})`);
      const progress = new Progress({ write: (t) => io.out(t.replace(/\n$/, '')), live: io.tty === true });
      const journal = new ExecutionJournal(home, previous.executionName, previous);
      try {
        execution = await redriveLocal({
          definition: session.definition,
          handlers: session.handlers(),
          previous,
          retryDelayScale: 0.01,
          ...(io.signal ? { signal: io.signal } : {}),
          onEvent: (e) => {
            journal.record(e);
            if (!o.json) progress.onEvent(e);
          },
        });
      } finally {
        await journal.close();
      }
      report = await settleExecution(session, home, execution, runId, started);
    } else {
      if (!o.json)
        io.out(
          `Ensemble — run ${runId} is ${run?.status}, with no execution left to redrive: reopening the day`,
        );
      ({ execution, report } = await runDay(session, home, day, io, {
        json: o.json,
        reopen: true,
        ...(io.signal ? { signal: io.signal } : {}),
      }));
    }
    printDay(io, execution, report, o.json, nextStepOf(execution, report, ctx, io));
    return exitCodeOf(execution, report);
  } finally {
    await session.close();
  }
}
