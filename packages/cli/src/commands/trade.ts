/**
 * `ensemble run`: a full local trading day — the one state machine definition executed in-process by the
 * local interpreter, on the embedded database, the simulated broker and the bundled market data (or, with
 * `--broker alpaca`, Alpaca's broker and bars) — with live progress and a report. `--days N` runs N
 * consecutive sessions (books carry over) and ends with a summary of the period (per strategy, the pool, the
 * account and the benchmark: NAV, return, max drawdown, orders); `--fault` injects a crash for
 * demonstrations; Ctrl-C aborts cleanly (the run can then be redriven). The execution's log is saved while
 * it runs, so even a killed process leaves something `ensemble redrive` continues.
 */
import { resolve } from 'node:path';
import { dayShapeOf, historyFromLedger } from '@ensemble/app';
import {
  ConfigInvalidError,
  describeError,
  isTradingDay,
  nextSession,
  buildReport as performanceReport,
  previousSession,
} from '@ensemble/core';
import { readBundledManifest } from '@ensemble/market-data';
import { formatPeriodSummary } from '@ensemble/report';
import { historyCeilingProblem, type LocalExecution, runLocal } from '@ensemble/workflow';
import { FinalizeInput, type ShadowResult } from '@ensemble/workflow/contract';
import type { CliIO } from '../io.ts';
import { UsageError } from '../io.ts';
import { exitCodeOf, isTransient, nextStepOf, printDay } from '../local/day-result.ts';
import { ExecutionJournal, nextExecutionName, runIdOfExecution, saveExecution } from '../local/executions.ts';
import { checkFault, faultAlways, parseFault } from '../local/faults.ts';
import { resolveHome } from '../local/home.ts';
import { commandContextOf, commandLine, nextLine } from '../local/next-step.ts';
import { Progress } from '../local/progress.ts';
import { reconcileLocal } from '../local/reconcile.ts';
import { buildReport, type RunReport } from '../local/report.ts';
import { type LocalSession, openSession } from '../local/session.ts';
import { LOCAL_STAGE, type LocalBroker } from '../local/world.ts';

export interface TradeOptions {
  readonly config: string;
  /** `YYYY-MM-DD`, or `today` (the broker's date in New York; `alpaca` only). */
  readonly date?: string;
  readonly days: number;
  readonly json: boolean;
  readonly home?: string;
  readonly fault?: string;
  /** @default 'sim' */
  readonly broker?: LocalBroker;
  /** `sim`: bars from `SYMBOL.csv[.gz]` files in this folder instead of the bundled ones. */
  readonly data?: string;
}

/** The last session of the bundled market data: the default trading day. */
export async function lastBundledSession(): Promise<string> {
  const manifest = await readBundledManifest();
  const spy = manifest.symbols.SPY;
  const last =
    spy?.last ??
    Object.values(manifest.symbols)
      .map((e) => e.last)
      .sort()
      .at(-1);
  if (!last) throw new Error('the bundled market data has no symbols');
  return last;
}

/**
 * The days to run: N sessions from `date` on; without `date`, the N sessions ending at the last bundled one.
 * A `date` the market is closed on is still run first (the run says SKIPPED); with N > 1 it is not one of
 * the N sessions (asked for one day, the user gets that day).
 */
export async function tradingDays(date: string | undefined, days: number): Promise<string[]> {
  if (date !== undefined) {
    const out = [date];
    const sessions = isTradingDay(date) || days === 1 ? 1 : 0;
    let d = date;
    for (let n = sessions; n < days; n++) {
      d = nextSession(d);
      out.push(d);
    }
    return out;
  }
  const out = [await lastBundledSession()];
  while (out.length < days) out.unshift(previousSession(out[0]!));
  return out;
}

/**
 * Refuses days past the last bundled session, before anything runs: the simulated broker has no price there,
 * so every strategy would be BLOCKED on missing data. Says where the data ends and how many of the asked
 * sessions fit.
 */
export function assertWithinBundledData(days: readonly string[], lastBundled: string): void {
  const past = days.filter((d) => d > lastBundled);
  if (past.length === 0) return;
  const fit = days.filter((d) => d <= lastBundled && isTradingDay(d)).length;
  const asked = days.length === 1 ? `--date ${days[0]}` : `${days[0]} … ${days.at(-1)}`;
  throw new UsageError(
    `the bundled market data ends on ${lastBundled}: ${asked} reaches past it` +
      (fit > 0 ? ` (${fit} of the sessions asked for fit: use --days ${fit})` : ' (pick an earlier --date)'),
  );
}

/** One local execution of the definition for `day`, persisted for redrive; returns its report. */
export async function runDay(
  session: LocalSession,
  home: ReturnType<typeof resolveHome>,
  day: string,
  io: CliIO,
  o: { json: boolean; fault?: string; signal?: AbortSignal; reopen?: boolean },
): Promise<{ execution: LocalExecution; report: RunReport | null }> {
  const spec = o.fault === undefined ? undefined : parseFault(o.fault);
  if (o.fault !== undefined && !spec) throw new UsageError('--fault must be <step>:<strategy>:<point>');
  await session.world.setDay(day);
  const executionName = await nextExecutionName(home, day);
  const progress = new Progress({ write: (t) => io.out(t.replace(/\n$/, '')), live: io.tty === true });
  const journal = new ExecutionJournal(home, executionName);
  if (!o.json)
    io.out(
      `Ensemble — local trading day ${day}${isTradingDay(day) ? '' : ' (not a session)'} — execution ${executionName}${o.reopen ? ' (reopening the day)' : ''}`,
    );
  const started = performance.now();
  let execution: LocalExecution;
  try {
    execution = await runLocal({
      definition: session.definition,
      handlers: session.handlers(spec ? faultAlways(spec) : undefined),
      input: { tradingDay: day, stage: LOCAL_STAGE, ...(o.reopen ? { reopen: true } : {}) },
      executionName,
      retryDelayScale: 0.01,
      ...(o.signal ? { signal: o.signal } : {}),
      onEvent: (e) => {
        journal.record(e);
        if (!o.json) progress.onEvent(e);
      },
    });
  } finally {
    await journal.close();
  }
  const runId = runIdOfExecution(execution);
  return { execution, report: await settleExecution(session, home, execution, runId, started) };
}

/**
 * After an execution (a run or a redrive): save its log for redrive, reconcile the books with the broker and
 * build the run's report (null when the execution never created a run). A broker that cannot be read (an
 * outage) does not lose the report: the outcomes are the ledger's, and the reconciliation says it was not
 * done.
 */
export async function settleExecution(
  session: LocalSession,
  home: ReturnType<typeof resolveHome>,
  execution: LocalExecution,
  runId: string | null,
  startedMs: number,
): Promise<RunReport | null> {
  await saveExecution(home, execution);
  if (runId === null) return null;
  let reconciliation: RunReport['reconciliation'];
  try {
    reconciliation = await reconcileLocal(
      session.world.ledger,
      session.world.broker,
      session.config.account.startingCash,
      runId.slice(0, 10),
    );
  } catch (e) {
    if (!isTransient(e)) throw e;
    const { name, message } = describeError(e);
    reconciliation = { ok: false, differences: [], error: `${name}: ${message}` };
  }
  return buildReport(session.world.ledger, runId, reconciliation, {
    enabled: new Set(session.config.strategies.filter((s) => s.enabled).map((s) => s.id)),
    executionName: execution.executionName,
    elapsedMs: performance.now() - startedMs,
    config: session.config,
    shadows: {
      shadowLedger: session.world.shadowLedger,
      config: session.config,
      ...shadowResultsOf(execution),
    },
  });
}

/** The paper books' results the execution's last Finalize was given (a crashed one recorded nothing itself). */
function shadowResultsOf(execution: LocalExecution): { results?: ShadowResult[] } {
  const finalized = execution.events.filter(
    (e): e is Extract<typeof e, { type: 'TaskSucceeded' }> =>
      e.type === 'TaskSucceeded' && e.task === 'Finalize',
  );
  const input = FinalizeInput.safeParse(finalized.at(-1)?.input);
  return input.success && input.data.shadows ? { results: input.data.shadows.items } : {};
}

/**
 * The days a session runs. The simulated broker runs any bundled sessions; Alpaca trades today only (its
 * clock says which day that is), so `--date` must be today and `--days` 1. Checked before anything trades.
 */
export async function sessionDays(session: LocalSession, date: string | undefined, days: number) {
  if (session.world.brokerChoice === 'sim') {
    if (date === 'today')
      throw new UsageError(
        '--date today needs --broker alpaca (the simulated broker trades the bundled sessions)',
      );
    const sessions = await tradingDays(date, days);
    assertWithinBundledData(sessions, await lastBundledSession());
    return sessions;
  }
  if (days !== 1) throw new UsageError('--days needs the simulated broker: Alpaca trades today only');
  const today = await session.world.today();
  if (date !== undefined && date !== 'today' && date !== today)
    throw new UsageError(`--date ${date}: the Alpaca broker's date is ${today}, and it trades today only`);
  return [today];
}

/**
 * The period's summary after `--days N`, from the ledger: from the close before the first day run (when the
 * home has it, so the first day's trading counts) to the last.
 */
async function printPeriod(session: LocalSession, io: CliIO, ran: readonly string[]): Promise<void> {
  const history = await historyFromLedger(session.world.ledger, {
    config: session.config,
    from: previousSession(ran[0]!),
    to: ran.at(-1)!,
    marketData: session.world.marketData,
    holdings: false,
  });
  if (!history) return;
  io.out('');
  for (const line of formatPeriodSummary(performanceReport(history))) io.out(line);
}

export async function tradeCommand(o: TradeOptions, io: CliIO): Promise<number> {
  const home = resolveHome(o.home, io.env, io.cwd);
  if (o.data !== undefined && o.broker === 'alpaca')
    throw new UsageError('--data goes with the simulated broker (Alpaca serves its own bars)');
  const session = await openSession(home, resolve(io.cwd, o.config), {
    broker: o.broker ?? 'sim',
    env: io.env,
    ...(io.command ? { command: io.command } : {}),
    ...(o.data ? { dataDir: resolve(io.cwd, o.data) } : {}),
  });
  const ctx = commandContextOf(home, o);
  for (const w of session.config.warnings) io.err(`warning: ${w}`);
  for (const n of session.world.notices) io.err(`note: ${n}`);
  let code = 0;
  try {
    // The local runner has no history limit, but a day Step Functions could not run is refused here too.
    const ceiling = historyCeilingProblem(dayShapeOf(session.config));
    if (ceiling) throw new ConfigInvalidError(`${session.config.path}: ${ceiling}`);
    if (o.fault !== undefined) checkFault(o.fault, session.config);
    const days = await sessionDays(session, o.date, o.days);
    const ran: string[] = [];
    for (const day of days) {
      let result: Awaited<ReturnType<typeof runDay>>;
      try {
        result = await runDay(session, home, day, io, {
          json: o.json,
          ...(o.fault ? { fault: o.fault } : {}),
          ...(io.signal ? { signal: io.signal } : {}),
        });
      } catch (e) {
        if (!isTransient(e)) throw e;
        // The broker or the ledger could not be reached before the day started: nothing traded.
        io.err(`ensemble: ${e instanceof Error ? e.message : String(e)}`);
        io.err(nextLine(commandLine(ctx, io, 'run', '--date', day)));
        return 1;
      }
      const { execution, report } = result;
      printDay(io, execution, report, o.json, nextStepOf(execution, report, ctx, io));
      code = Math.max(code, exitCodeOf(execution, report));
      if (report?.status !== 'SKIPPED') ran.push(day);
      if (execution.status === 'ABORTED') break;
    }
    if (!o.json && days.length > 1 && ran.length > 0) await printPeriod(session, io, ran);
  } finally {
    await session.close();
  }
  return code;
}
