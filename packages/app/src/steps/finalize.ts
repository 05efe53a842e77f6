/**
 * Finalize: the day's NAV of every book (at D's prices, with the day's transfers as flows in and out),
 * reconciliation of the books against the broker (`@ensemble/execution`'s reconcile), and the run's final
 * status, moved once from RUNNING:
 *  - FAILED when reconciliation found differences, or a branch (or the pool) FAILED (the pool's error is
 *    classified like a branch's: a blocking error blocks);
 *  - BLOCKED when nothing failed but some strategy was BLOCKED;
 *  - SUCCEEDED otherwise.
 * A re-run recomputes the same and records nothing twice (the status move replays; a NAV recorded before a
 * FAILED branch's second run traded is restated, once, to the books as they now are).
 */
import { addDays, type BookId, EXTERNAL, forEachLimit, outcomeOfError, valueBook } from '@ensemble/core';
import { receivableDividends, reconcile, unallocatedFromTransfers } from '@ensemble/execution';
import {
  allPages,
  type BookLedger,
  type RunLedger,
  type Transfer,
  type TransferLedger,
} from '@ensemble/ledger';
import {
  type FinalizeInput,
  type FinalizeOutput,
  retryItemsOf,
  withRetried,
} from '@ensemble/workflow/contract';
import { Decimal } from 'decimal.js';
import { RunNotActiveError } from '../errors.ts';
import type { LoadedSnapshot } from '../market-snapshot.ts';
import type { StepDeps } from '../step-deps.ts';
import { task } from '../task.ts';

/** The ledger roles Finalize uses. */
type Ledger = RunLedger & BookLedger & TransferLedger;

type RunStatus = FinalizeOutput['status'];

export const finalize = async (deps: StepDeps<Ledger>, given: FinalizeInput): Promise<FinalizeOutput> => {
  // FinalizeRetried: the second run's results replace the first ones of the branches that ran again.
  const branches = withRetried(given.branches, given.retried);
  const input = { ...given, branches };
  const { ledger, broker } = deps.ports;
  const { logger } = deps.observe;
  const run = await ledger.getRun(input.runId);
  if (!run) throw new RunNotActiveError(input.runId, null);
  const snapshot = await deps.readSnapshot(input.snapshotRef);
  await recordNavs(deps, input.tradingDay, snapshot);

  // The simulated account's deposits are known (its starting cash); a real account's are not.
  const unallocatedCash =
    broker.kind === 'sim'
      ? await unallocatedFromTransfers(ledger, deps.config.account.startingCash)
      : undefined;
  const report = await reconcile({
    ledger,
    broker,
    ...(unallocatedCash === undefined ? {} : { unallocatedCash }),
    receivableCash: await receivableDividends(ledger, input.tradingDay),
  });
  const reconciliation = { ok: report.ok, differences: report.differences.length };
  if (!report.ok) logger.error('reconciliation found differences', { differences: report.differences });

  const status = runStatus(input, reconciliation.ok);
  // RUNNING, or FAILED and now redriven (which may have cured it): move once to the status computed now.
  if (run.status === 'RUNNING' || (run.status === 'FAILED' && status !== 'FAILED')) {
    const error =
      status === 'SUCCEEDED' ? undefined : { name: `Run${status}`, message: summary(input, reconciliation) };
    const moved = await ledger.updateRunStatus({
      runId: input.runId,
      expected: run.status,
      status,
      ...(error ? { error } : {}),
    });
    if (moved.status === 'conflict')
      logger.warn('run status moved concurrently', { now: moved.current?.status });
  } else if (run.status !== status) {
    logger.warn('run already finished with another status', { recorded: run.status, now: status });
  }
  const retryItems = retryItemsOf(branches);
  return {
    runId: input.runId,
    status,
    reconciliation,
    retryItems,
    retryBranches: retryItems.length,
    retryPool: input.pool?.error !== undefined && outcomeOfError(input.pool.error.Error) === 'FAILED',
  };
};

/** The run's final status (see the module comment). */
export const runStatus = (input: FinalizeInput, reconciled: boolean): RunStatus => {
  const outcomes = [
    ...input.branches.map((b) => b.outcome),
    ...(input.pool?.error
      ? [outcomeOfError(input.pool.error.Error)]
      : input.pool?.outcome
        ? [input.pool.outcome]
        : []),
  ];
  if (!reconciled || outcomes.includes('FAILED')) return 'FAILED';
  if (outcomes.includes('BLOCKED')) return 'BLOCKED';
  return 'SUCCEEDED';
};

const summary = (input: FinalizeInput, reconciliation: { ok: boolean; differences: number }): string => {
  const count = (o: string) => input.branches.filter((b) => b.outcome === o).length;
  const parts = [`${count('FAILED')} failed`, `${count('BLOCKED')} blocked`];
  if (input.pool?.error) parts.push(`pool failed: ${input.pool.error.Error}`);
  if (!reconciliation.ok) parts.push(`${reconciliation.differences} reconciliation differences`);
  return parts.join(', ');
};

/** Books valued and recorded at once (each book's NAV is its own item). */
const NAV_CONCURRENCY = 8;

/** Records each book's NAV of the day once; a book that cannot be valued is logged and left out. */
const recordNavs = async (deps: StepDeps<Ledger>, day: string, snapshot: LoadedSnapshot): Promise<void> => {
  const { ledger } = deps.ports;
  const { logger } = deps.observe;
  const [cash, positions, transfers] = await Promise.all([
    allPages((o) => ledger.listCashBalances(o)),
    allPages((o) => ledger.listAllPositions(o)),
    allPages((o) => ledger.listTransfers({ ...o, from: day, to: day })),
  ]);
  const bookIds = [...new Set([...cash.map((c) => c.bookId), ...positions.map((p) => p.bookId)])].sort();
  await forEachLimit(bookIds, NAV_CONCURRENCY, async (bookId) => {
    let valued: ReturnType<typeof valueBook>;
    try {
      valued = valueBook(await ledger.getBook(bookId), snapshot.prices);
    } catch (e) {
      logger.error('book not valued: NAV not recorded', { bookId, error: (e as Error).message });
      return;
    }
    const flows = flowsOf(bookId, transfers, snapshot);
    const nav = {
      bookId,
      day,
      cash: valued.cash,
      positionsValue: valued.marketValue,
      nav: valued.nav,
      flowsIn: flows.in.toFixed(),
      flowsOut: flows.out.toFixed(),
    };
    const r = await ledger.recordNav(nav);
    if (r.status !== 'conflict') return;
    // The day's books changed after its NAV was recorded (a FAILED branch ran again and traded): restate
    // it, unless a later day is already recorded (a late redrive must not rewrite history with today's books).
    const later = await ledger.listNav(bookId, { from: addDays(day, 1), limit: 1 });
    if (later.data.length > 0) {
      logger.warn('NAV of the day differs, but a later day is recorded: not restated', { bookId });
      return;
    }
    const restated = await ledger.restateNav(nav, r.current);
    if (restated.status === 'conflict') logger.warn('NAV of the day restated concurrently', { bookId });
    else logger.info('NAV of the day restated after a re-run', { bookId, was: r.current.nav, now: nav.nav });
  });
};

/** Value moved into and out of a book by the day's transfers between books (shares at D's price). */
const flowsOf = (
  bookId: BookId,
  transfers: readonly Transfer[],
  snapshot: LoadedSnapshot,
): { in: Decimal; out: Decimal } => {
  let into = new Decimal(0);
  let out = new Decimal(0);
  for (const t of transfers) {
    // A corporate action is no flow: a split changes no value, a dividend is income (day P&L).
    if (t.from === EXTERNAL || t.to === EXTERNAL) continue;
    const price = t.kind === 'position' ? snapshot.prices[t.symbol ?? ''] : undefined;
    // Cash at face value; shares at D's close, or at their cost basis when D has no price.
    const value = price === undefined ? new Decimal(t.amount) : new Decimal(t.qty ?? '0').times(price);
    if (t.to === bookId) into = into.plus(value);
    if (t.from === bookId) out = out.plus(value);
  }
  return { in: into.toDecimalPlaces(2), out: out.toDecimalPlaces(2) };
};

/** The `Finalize` task. */
export const finalizeTask = task('Finalize', finalize);
