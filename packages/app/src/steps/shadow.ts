/**
 * Shadow (one iteration of the Shadows Map; docs/shadow.md): one paper book's trading day, in the ledger's
 * shadow scope, on the paper broker, with the run's snapshot:
 *  - a shadowed strategy's own book (`strategy#<id>`): Evaluate, PlanRebalance (the strategy's settings),
 *    Execute;
 *  - the paper pool (`pool`): Evaluate for every member of the shadow FlowState's pool, then AggregatePool,
 *    PlanPool (the pool's settings), ExecutePool; a member's attributed share is its paper result;
 * then the book's NAV of the day. It is the production steps' code (evaluate, planBook, executeBook, …) run
 * over paper dependencies (shadow/paper-deps.ts): every record goes to the shadow scope, the account's broker
 * and market data are out of reach, and the paper broker (shadow/paper-broker.ts) is passed explicitly. The
 * production ledger is read once: a finished run is not traded on paper either.
 *
 * Failures stay in shadow mode: an error that a retry cannot cure is recorded as the paper outcome (FAILED,
 * or BLOCKED by its name, as a branch's would be) and returned; a retryable one is thrown for the task's
 * Retry; a crash ends the step, and the iteration's Catch (ShadowFailed) reports it. Idempotent like the
 * steps it reuses: a retry finds the signal, plan, orders and NAV recorded and completes what is missing.
 */
import { type BookId, bookOf, isEnsembleError, isSimulatedCrash, POOL_BOOK } from '@ensemble/core';
import type { ShadowLedger } from '@ensemble/ledger';
import type {
  BranchInput,
  ExecuteOutput,
  RunRef,
  ShadowInput,
  ShadowOutput,
} from '@ensemble/workflow/contract';
import { ShadowUnavailableError } from '../errors.ts';
import type { LoadedSnapshot } from '../market-snapshot.ts';
import { paperBroker } from '../shadow/paper-broker.ts';
import { PAPER_EQUITY, paperDeps, shadowPortsOf } from '../shadow/paper-deps.ts';
import type { StepDeps } from '../step-deps.ts';
import { task } from '../task.ts';
import { activeRun } from './active-run.ts';
import { aggregatePool } from './aggregate-pool.ts';
import { evaluate, shadowTraceKey } from './evaluate.ts';
import { executeBook, output, recordOutcome } from './execute.ts';
import { planPoolBook } from './plan-pool.ts';
import { planBook } from './plan-rebalance.ts';
import { poolMembers } from './pool.ts';
import { recordBranchFailure } from './record-branch-failure.ts';
import { recordNavs } from './record-navs.ts';

type Paper = StepDeps<ShadowLedger>;
type Fills = ReturnType<typeof paperBroker>;

export const shadow = async (deps: StepDeps, input: ShadowInput): Promise<ShadowOutput> => {
  const { ledger, nonFractionable = [] } = shadowPortsOf(deps);
  await activeRun(deps.ports.ledger, input.runId);
  const snapshot = await deps.readSnapshot(input.snapshotRef);
  const paper = paperDeps(deps, ledger);
  const fills = paperBroker({
    ledger,
    runId: input.runId,
    bookId: input.bookId,
    snapshot,
    clock: () => deps.ports.clock.now(),
    nonFractionable,
  });
  const run: RunRef = {
    runId: input.runId,
    tradingDay: input.tradingDay,
    stage: input.stage,
    snapshotRef: input.snapshotRef,
  };
  const out =
    input.bookId === POOL_BOOK
      ? await paperPool(paper, fills, run, snapshot)
      : await paperBook(paper, fills, run, snapshot, strategyOfBook(input.bookId));
  return { bookId: input.bookId, ...out };
};

const strategyOfBook = (bookId: BookId): string => {
  if (!bookId.startsWith('strategy#')) throw new ShadowUnavailableError(`no paper book ${bookId}`);
  return bookId.slice('strategy#'.length);
};

/** A shadowed strategy's own paper book (see the module comment). */
const paperBook = (
  paper: Paper,
  fills: Fills,
  run: RunRef,
  snapshot: LoadedSnapshot,
  strategyId: string,
): Promise<Omit<ShadowOutput, 'bookId'>> => {
  const branch: BranchInput = { ...run, strategyId, flow: 'per-book' };
  return settled(paper, run, [strategyId], 'per-book', async () => {
    await evaluate(paper, branch, shadowTraceKey(run.runId, strategyId));
    await planBook(paper, fills, branch);
    return executed(paper, fills, run, snapshot, bookOf(strategyId), [strategyId]);
  });
};

/** The paper pool (see the module comment). */
const paperPool = async (
  paper: Paper,
  fills: Fills,
  run: RunRef,
  snapshot: LoadedSnapshot,
): Promise<Omit<ShadowOutput, 'bookId'>> => {
  const { poolShares } = await paper.ports.ledger.getFlowState();
  const members = Object.keys(poolShares).sort();
  // A member whose evaluation fails has its outcome recorded; the pool then holds (pool.ts).
  for (const strategyId of members) {
    const branch: BranchInput = { ...run, strategyId, flow: 'aggregated' };
    await settled(paper, run, [strategyId], 'aggregated', async () => {
      await evaluate(paper, branch, shadowTraceKey(run.runId, strategyId));
      return { outcome: 'SKIPPED', orders: 0, filled: 0 };
    });
  }
  return settled(paper, run, members, 'aggregated', async () => {
    await aggregatePool(paper, run);
    await planPoolBook(paper, fills, run);
    const signalled = Object.keys((await poolMembers(paper.ports.ledger, run.runId)).targets).sort();
    return executed(paper, fills, run, snapshot, POOL_BOOK, signalled);
  });
};

/** Executes a paper book's recorded plan on the paper broker, records its outcome, then its NAV of the day. */
const executed = async (
  paper: Paper,
  fills: Fills,
  run: RunRef,
  snapshot: LoadedSnapshot,
  bookId: BookId,
  strategyIds: readonly string[],
): Promise<ExecuteOutput> => {
  const started = paper.ports.clock.now().toISOString();
  const flow = bookId === POOL_BOOK ? 'aggregated' : 'per-book';
  const result = await executeBook(paper, fills, run, bookId, flow, {
    step: 'shadow',
    scope: bookId === POOL_BOOK ? 'pool' : (strategyIds[0] ?? bookId),
    equity: PAPER_EQUITY,
  });
  await recordOutcome(paper, run, strategyIds, flow, result, started);
  await recordNavs(paper, run.tradingDay, snapshot, [bookId]);
  return output(result);
};

/**
 * Runs `work`; an error a retry cannot cure becomes the recorded paper outcome of `strategyIds` (and the
 * result), as RecordBranchFailure records a branch's. Crashes and retryable errors are thrown.
 */
const settled = async (
  paper: Paper,
  run: RunRef,
  strategyIds: readonly string[],
  flow: BranchInput['flow'],
  work: () => Promise<ExecuteOutput>,
): Promise<Omit<ShadowOutput, 'bookId'>> => {
  try {
    const { outcome, orders, filled } = await work();
    return { outcome, orders, filled };
  } catch (e) {
    if (isSimulatedCrash(e) || (isEnsembleError(e) && e.retryable)) throw e;
    const caught = {
      Error: e instanceof Error ? e.name : 'Error',
      Cause: e instanceof Error ? e.message : String(e),
    };
    paper.observe.logger.warn('paper book failed', { strategyIds, error: caught });
    let outcome: ShadowOutput['outcome'] = 'FAILED';
    for (const strategyId of strategyIds) {
      outcome = (await recordBranchFailure(paper, { ...run, strategyId, flow, error: caught })).outcome;
    }
    return { outcome, orders: 0, filled: 0, error: caught };
  }
};

/** The `Shadow` task. */
export const shadowTask = task('Shadow', shadow);
