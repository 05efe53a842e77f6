/**
 * `ensemble run`: a full local trading day — the one state machine definition executed in-process by the
 * local interpreter, on the embedded database, the simulated broker and the bundled market data (or, with
 * `--broker alpaca`, Alpaca's broker and bars) — with live progress and a report. `--days N` runs N
 * consecutive sessions (books carry over) and ends with a summary of the period (per strategy, the pool, the
 * account and the benchmark: NAV, return, max drawdown, orders); `--fault` injects a crash for
 * demonstrations; Ctrl-C aborts cleanly (the run can then be redriven).
 */
import { resolve } from 'node:path';
import { historyFromLedger } from '@ensemble/app';
import { isTradingDay, nextSession, buildReport as performanceReport, previousSession } from '@ensemble/core';
import { readBundledManifest } from '@ensemble/market-data';
import { formatPeriodSummary } from '@ensemble/report';
import { type LocalExecution, runLocal } from '@ensemble/workflow';
import { FinalizeInput, type ShadowResult } from '@ensemble/workflow/contract';
import type { CliIO } from '../io.ts';
import { UsageError } from '../io.ts';
import { nextExecutionName, runIdOfExecution, saveExecution } from '../local/executions.ts';
import { faultAlways, parseFault } from '../local/faults.ts';
import { resolveHome } from '../local/home.ts';
import { Progress } from '../local/progress.ts';
import { reconcileLocal } from '../local/reconcile.ts';
import { buildReport, formatReport, type RunReport } from '../local/report.ts';
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
  o: { json: boolean; fault?: string; signal?: AbortSignal },
): Promise<{ execution: LocalExecution; report: RunReport | null }> {
  const spec = o.fault === undefined ? undefined : parseFault(o.fault);
  if (o.fault !== undefined && !spec) throw new UsageError('--fault must be <step>:<strategy>:<point>');
  await session.world.setDay(day);
  const executionName = await nextExecutionName(home, day);
  const progress = new Progress({ write: (t) => io.out(t.replace(/\n$/, '')), live: io.tty === true });
  if (!o.json)
    io.out(
      `Ensemble — local trading day ${day}${isTradingDay(day) ? '' : ' (not a session)'} — execution ${executionName}`,
    );
  const started = performance.now();
  const execution = await runLocal({
    definition: session.definition,
    handlers: session.handlers(spec ? faultAlways(spec) : undefined),
    input: { tradingDay: day, stage: LOCAL_STAGE },
    executionName,
    retryDelayScale: 0.01,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.json ? {} : { onEvent: progress.onEvent }),
  });
  const runId = runIdOfExecution(execution);
  return { execution, report: await settleExecution(session, home, execution, runId, started) };
}

/**
 * After an execution (a run or a redrive): save its log for redrive, reconcile the books with the broker and
 * build the run's report (null when the execution never created a run).
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
  const reconciliation = await reconcileLocal(
    session.world.ledger,
    session.world.broker,
    session.config.account.startingCash,
    runId.slice(0, 10),
  );
  return buildReport(session.world.ledger, runId, reconciliation, {
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

/** The exit code of a finished day: 0 clean, 1 when anything needs the operator's attention. */
export function exitCodeOf(execution: LocalExecution, report: RunReport | null): number {
  if (execution.status === 'ABORTED') return 130;
  if (execution.status !== 'SUCCEEDED' || !report) return 1;
  const skipped = (execution.output as { action?: string } | undefined)?.action === 'SKIP';
  if (skipped) return 0;
  const bad = report.strategies.some((s) => s.outcome === 'FAILED' || s.outcome === 'BLOCKED');
  return bad || !report.reconciliation.ok ? 1 : 0;
}

export function printDay(
  io: CliIO,
  execution: LocalExecution,
  report: RunReport | null,
  json: boolean,
): void {
  const skip = execution.output as { action?: string; reason?: string } | undefined;
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
      }),
    );
    return;
  }
  if (skip?.action === 'SKIP') io.out(`Skipped: ${skip.reason ?? 'nothing to do'}`);
  if (execution.status !== 'SUCCEEDED') {
    io.out(
      `Execution ${execution.executionName} ${execution.status}${execution.error ? `: ${execution.error.Error}: ${execution.error.Cause}` : ''}`,
    );
  }
  if (report) for (const line of formatReport(report)) io.out(line);
  if (execution.status === 'FAILED' && report)
    io.out(`Redrive the failed branches with: ensemble redrive ${report.runId}`);
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
  const session = await openSession(home, resolve(io.cwd, o.config), {
    broker: o.broker ?? 'sim',
    env: io.env,
  });
  for (const w of session.config.warnings) io.err(`warning: ${w}`);
  let code = 0;
  try {
    const days = await sessionDays(session, o.date, o.days);
    const ran: string[] = [];
    for (const day of days) {
      const { execution, report } = await runDay(session, home, day, io, {
        json: o.json,
        ...(o.fault ? { fault: o.fault } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
      });
      printDay(io, execution, report, o.json);
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
