/**
 * One trading day through the application's steps in process, in the state machine's order — what the
 * definition (`@ensemble/workflow`, definition.ts) does with them, without the interpreter:
 *
 *   PrepareRun (the execution input: trading day, stage, `reopen`) → (SKIP: done) → per strategy, one after
 *   another: Evaluate → (aggregated: a pool member, SKIPPED) PlanRebalance (PLANNED), a failed task caught
 *   into RecordBranchFailure → if any strategy is aggregated: AggregatePool → PlanPool (a failure caught into
 *   `{ outcome: FAILED, error }`; no pool: `{}`) → NetOrders (a failure caught: nothing executes now, the
 *   PLANNED branches get their second run) → the sells: Execute `phase: sells` for each branch NetOrders
 *   lists with a sell left, then ExecutePool `phase: sells` when the pool has one (results and failures
 *   dropped) → Execute
 *   for each branch NetOrders lists (a failure caught into RecordBranchFailure) → ExecutePool when the pool
 *   planned → if PrepareRun says `hasShadows`:
 *   PrepareShadows (its output replaces `prepare.shadows`; a failure is caught into `shadows.error`) → one
 *   Shadow per paper book (a failure caught into `{ bookId, outcome: FAILED, error }`) → Finalize (branches,
 *   pool, shadows) → if Finalize lists FAILED per-book branches or a FAILED pool: their second run without a
 *   Catch (still FAILED, or a task failing: the execution FAILS), then Finalize again.
 *
 * Retryable errors (the catalog's, which the definition's domain retrier lists) are retried at once, up to
 * {@link DOMAIN_RETRY_ATTEMPTS} times, as the definition retries them (its waits are the caller's `sleep`).
 * The Maps' iterations run one after another (the definition runs up to 10 at once: the steps' leases and
 * client order ids make either order trade the same). Used by the backtest and by the application's tests.
 */
import { errorTraits } from '@ensemble/core';
import {
  type BranchItem,
  type BranchResult,
  dayBranches,
  type FinalizeInput,
  type FinalizeOutput,
  type NetOrdersOutput,
  type PrepareRunOutput,
  type PrepareShadowsOutput,
  type ShadowResult,
  type ShadowsState,
  type TaskName,
} from '@ensemble/workflow/contract';
import type { Step } from './tasks.ts';

/** Retries of a retryable error per task call (the definition's domain retrier: `MaxAttempts`). */
export const DOMAIN_RETRY_ATTEMPTS = 5;

/** One task call of the day. */
export interface TaskCall {
  readonly task: TaskName;
  readonly input: unknown;
  readonly output?: unknown;
  /** The error's name, when the call failed (after its retries). */
  readonly error?: string;
}

/** The error a Catch puts at `$.error` (and an execution fails with): name and message. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause: string;
}

/** What one day's execution did. */
export interface DayRun {
  /** SUCCEEDED: skipped, or finalized; FAILED: a run-level task failed, or a second run failed again. */
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** Why the execution failed. */
  readonly error?: CaughtError;
  readonly prepare?: PrepareRunOutput;
  /** Each strategy's first-run result: the planning Map's output, with the execution Map's results over it. */
  readonly branches: BranchResult[];
  /** NetOrders' output, its items replaced by the execution Map's results (or `{ items: [], error }`). */
  readonly netting?: NetOrdersState;
  /** The pool steps' result as Finalize received it (`{}` when nothing is aggregated). */
  readonly pool?: NonNullable<FinalizeInput['pool']>;
  /** Shadow mode's state as Finalize received it (PrepareRun's when nothing is shadowed). */
  readonly shadows?: ShadowsState;
  /** The first Finalize's output. */
  readonly finalize?: FinalizeOutput;
  /** The second run's branch results, and the second Finalize's output, when anything ran again. */
  readonly retried?: BranchResult[];
  readonly finalizeRetried?: FinalizeOutput;
  /** Every task called, in order. */
  readonly calls: TaskCall[];
}

/** Options of {@link runDay}. */
export interface RunDayOptions {
  /** The execution's stage. @default the steps' (the application context's) */
  readonly stage?: string;
  /** Trade again a day whose run ended FAILED or BLOCKED (the execution input's `reopen`). @default false */
  readonly reopen?: boolean;
  /** `$$.Execution` as PrepareRun receives it. @default `{ id: 'exec-<day>', name: 'run-<day>' }` */
  readonly execution?: { readonly id: string; readonly name: string };
  /** Waits between retries of a retryable error. @default no wait */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The error a Catch would put at `$.error`. */
export const caught = (e: unknown): CaughtError => ({
  Error: e instanceof Error ? e.name : 'Error',
  Cause: e instanceof Error ? e.message : String(e),
});

/** Runs one trading day through `steps` (see the module comment). Never throws for a step's error. */
export const runDay = async (
  steps: Readonly<Record<TaskName, Step>>,
  tradingDay: string,
  options: RunDayOptions = {},
): Promise<DayRun> => {
  const calls: TaskCall[] = [];
  const sleep = options.sleep ?? (async () => {});
  const call = async (task: TaskName, input: unknown): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const output = await steps[task](input);
        calls.push({ task, input, output });
        return output;
      } catch (e) {
        const name = e instanceof Error ? e.name : 'Error';
        if (errorTraits(name)?.retryable === true && attempt < DOMAIN_RETRY_ATTEMPTS) {
          await sleep(2000 * 2 ** attempt);
          continue;
        }
        calls.push({ task, input, error: name });
        throw e;
      }
    }
  };
  const day: { -readonly [K in keyof DayRun]: DayRun[K] } & { pool?: PoolState } = {
    status: 'SUCCEEDED',
    branches: [],
    calls,
  };
  try {
    const prepare = (await call('PrepareRun', {
      input: {
        tradingDay,
        ...(options.stage === undefined ? {} : { stage: options.stage }),
        ...(options.reopen === undefined ? {} : { reopen: options.reopen }),
      },
      execution: options.execution ?? { id: `exec-${tradingDay}`, name: `run-${tradingDay}` },
    })) as PrepareRunOutput;
    day.prepare = prepare;
    if (prepare.action === 'SKIP') return day;
    const ref = {
      runId: prepare.runId,
      tradingDay: prepare.tradingDay,
      stage: prepare.stage,
      snapshotRef: prepare.snapshotRef,
    };
    const planned: BranchResult[] = [];
    for (const item of prepare.items) planned.push(await firstRun(call, ref, item));
    day.pool = prepare.hasPool ? await poolPlanning(call, ref) : {};
    const netting = await netRun(call, ref, planned, day.pool);
    // Every book sells before any buys: the Sells Map, then the pool's sells (failures dropped: the full
    // executions below run the sells again and record them).
    for (const strategyId of netting.sells)
      await dropped(() => call('Execute', { ...ref, strategyId, flow: 'per-book', phase: 'sells' }));
    if (netting.poolSells) await dropped(() => call('ExecutePool', { ...ref, phase: 'sells' }));
    const executed: BranchResult[] = [];
    for (const item of netting.items) executed.push(await executeRun(call, ref, item));
    day.netting = { ...netting, items: executed };
    day.branches = dayBranches({ branches: planned, executed });
    if (day.pool.action !== undefined) day.pool = await poolExecution(call, ref);
    // Finalize reads the two Maps' results as the definition passes them: the planning Map's, and the
    // execution Map's (it merges them itself).
    const results = { branches: planned, executed };
    day.shadows = prepare.hasShadows ? await shadowRun(call, ref, prepare.shadows) : prepare.shadows;
    const finalize = (await call('Finalize', {
      ...ref,
      ...results,
      pool: day.pool,
      shadows: day.shadows,
    })) as FinalizeOutput;
    day.finalize = finalize;
    if (finalize.retryBranches === 0 && !finalize.retryPool) return day;
    const retried: BranchResult[] = [];
    day.retried = retried;
    for (const item of finalize.retryItems) {
      const again = await secondRun(call, ref, item);
      if ('failedAgain' in again) return { ...day, status: 'FAILED', error: again.failedAgain };
      retried.push(again);
    }
    if (finalize.retryPool) {
      const again = await poolSecondRun(call, ref);
      if ('failedAgain' in again) return { ...day, status: 'FAILED', error: again.failedAgain };
      day.pool = again.pool;
    }
    day.finalizeRetried = (await call('Finalize', {
      ...ref,
      ...results,
      retried: day.retried,
      pool: day.pool,
      shadows: day.shadows,
    })) as FinalizeOutput;
    return day;
  } catch (e) {
    return { ...day, status: 'FAILED', error: caught(e) };
  }
};

type Call = (task: TaskName, input: unknown) => Promise<unknown>;
type Ref = { runId: string; tradingDay: string; stage: string; snapshotRef: string };

/** A planning Map iteration: a failed task is caught and recorded (RecordBranchFailure). */
const firstRun = async (call: Call, ref: Ref, item: BranchItem): Promise<BranchResult> => {
  const input = { ...ref, ...item };
  return caughtInto(call, input, async () => {
    await call('Evaluate', input);
    if (item.flow === 'aggregated') return { ...item, outcome: 'SKIPPED' };
    await call('PlanRebalance', input);
    return { ...item, outcome: 'PLANNED' };
  });
};

/** An execution Map iteration: the branch's Execute, a failure caught and recorded as in planning. */
const executeRun = async (call: Call, ref: Ref, item: BranchItem): Promise<BranchResult> => {
  const input = { ...ref, ...item };
  return caughtInto(call, input, async () => {
    const out = (await call('Execute', input)) as { outcome: BranchResult['outcome'] };
    return { ...item, outcome: out.outcome };
  });
};

/** Runs `body`; a failure is recorded by RecordBranchFailure and becomes the branch's result. */
const caughtInto = async (
  call: Call,
  input: Ref & BranchItem,
  body: () => Promise<BranchResult>,
): Promise<BranchResult> => {
  try {
    return await body();
  } catch (e) {
    const failure = (await call('RecordBranchFailure', { ...input, error: caught(e) })) as Pick<
      BranchResult,
      'outcome' | 'error'
    >;
    const item = { strategyId: input.strategyId, flow: input.flow };
    return { ...item, outcome: failure.outcome, ...(failure.error ? { error: failure.error } : {}) };
  }
};

/** The pool steps' state between the Maps and Finalize (PlanPool's output keeps its `action`). */
type PoolState = NonNullable<FinalizeInput['pool']> & { readonly action?: string };

/** The pool's planning: a failed task becomes `{ outcome: FAILED, error }` (PoolFailed), carried to Finalize. */
const poolPlanning = async (call: Call, ref: Ref): Promise<PoolState> => {
  try {
    await call('AggregatePool', ref);
    return (await call('PlanPool', ref)) as PoolState;
  } catch (e) {
    return { outcome: 'FAILED', error: caught(e) };
  }
};

/** NetOrders' state: its output, or no item and the error when it failed (NettingFailed). */
type NetOrdersState = {
  readonly items: BranchItem[];
  readonly sells: string[];
  readonly poolSells: boolean;
  readonly error?: CaughtError;
} & Record<string, unknown>;

/** NetOrders over every plan of the day; a failure is caught: no branch executes now. */
const netRun = async (
  call: Call,
  ref: Ref,
  branches: readonly BranchResult[],
  pool: PoolState,
): Promise<NetOrdersState> => {
  try {
    return (await call('NetOrders', { ...ref, branches, pool })) as NetOrdersOutput;
  } catch (e) {
    return { items: [], sells: [], poolSells: false, error: caught(e) };
  }
};

/** Runs `body`; its result and any failure are dropped (a state with `ResultPath: null` and such a Catch). */
const dropped = async (body: () => Promise<unknown>): Promise<void> => {
  try {
    await body();
  } catch {
    // The full execution after it runs the same orders again and records the failure.
  }
};

/** The pool's execution after the execution Map; a failure becomes `{ outcome: FAILED, error }`. */
const poolExecution = async (call: Call, ref: Ref): Promise<PoolState> => {
  try {
    return (await call('ExecutePool', ref)) as PoolState;
  } catch (e) {
    return { outcome: 'FAILED', error: caught(e) };
  }
};

/**
 * Shadow mode's states: PrepareShadows (its output replaces the state; a failure is recorded in it and no
 * paper book trades), then one Shadow per paper book, a failure caught into the book's result.
 */
const shadowRun = async (call: Call, ref: Ref, state: ShadowsState): Promise<ShadowsState> => {
  let prepared: PrepareShadowsOutput;
  try {
    prepared = (await call('PrepareShadows', { ...ref, equity: state.equity })) as PrepareShadowsOutput;
  } catch (e) {
    return { ...state, error: caught(e) };
  }
  const items: ShadowResult[] = [];
  for (const { bookId } of prepared.items) {
    try {
      items.push((await call('Shadow', { ...ref, bookId })) as ShadowResult);
    } catch (e) {
      items.push({ bookId, outcome: 'FAILED', error: caught(e) });
    }
  }
  return { ...prepared, items };
};

/** A second run that ended FAILED again: how the day's execution fails. */
type FailedAgain = { readonly failedAgain: CaughtError };

/**
 * A failed branch's second run, without a Catch: a task's failure fails the day (it propagates), and so
 * does an outcome still FAILED.
 */
const secondRun = async (call: Call, ref: Ref, item: BranchItem): Promise<BranchResult | FailedAgain> => {
  const input = { ...ref, ...item };
  await call('Evaluate', input);
  await call('PlanRebalance', input);
  const out = (await call('Execute', input)) as { outcome: BranchResult['outcome'] };
  if (out.outcome === 'FAILED') return { failedAgain: failedAgain('BranchFailed', 'branch') };
  return { ...item, outcome: out.outcome };
};

/** A FAILED pool's second run, without a Catch. */
const poolSecondRun = async (
  call: Call,
  ref: Ref,
): Promise<{ readonly pool: NonNullable<FinalizeInput['pool']> } | FailedAgain> => {
  await call('AggregatePool', ref);
  await call('PlanPool', ref);
  const out = (await call('ExecutePool', ref)) as NonNullable<FinalizeInput['pool']>;
  if (out.outcome === 'FAILED') return { failedAgain: failedAgain('PoolFailed', 'pool') };
  return { pool: out };
};

/** The definition's Fail state after a second run ended FAILED again (second-run.ts). */
const failedAgain = (error: string, what: 'branch' | 'pool'): CaughtError => ({
  Error: error,
  Cause: `the ${what} ended FAILED on its second run; fix the cause, then redrive the execution`,
});
