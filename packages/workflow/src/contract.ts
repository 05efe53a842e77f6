/**
 * The contract between the state machine and its tasks: task names, and the zod schema of every task's
 * input and output. The ASL definition (`definition.ts`) wires these shapes with JSONPath; the handlers in
 * `@ensemble/functions` parse their input and output with them. States pass ids and references only —
 * never bars, traces or plans — so every payload stays far below Step Functions' 256 KiB.
 */
import { BookId, DecimalString, Flow, Outcome, TradingDay } from '@ensemble/core';
import * as z from 'zod';

/** Every Task state, in workflow order. Each is one Lambda function in AWS and one in-process handler locally. */
export const TaskNames = [
  'PrepareRun',
  'Evaluate',
  'PlanRebalance',
  'Execute',
  'RecordBranchFailure',
  'AggregatePool',
  'PlanPool',
  'NetOrders',
  'ExecutePool',
  'PrepareShadows',
  'Shadow',
  'Finalize',
] as const;
export type TaskName = (typeof TaskNames)[number];

/** What starts an execution (the schedule sends `{}`; the CLI may name the day). */
export const ExecutionInput = z.object({
  /** The trading day to run; default: today in America/New_York by the broker's clock. */
  tradingDay: TradingDay.optional(),
  /** Deployment stage (`dev`, `prod`, `local`); default from the environment. */
  stage: z.string().min(1).optional(),
  /**
   * Trade a day whose run already ended FAILED or BLOCKED again, once its cause is fixed (a kill switch
   * lifted, an outage over, a lost execution log): PrepareRun moves the run back to RUNNING and every branch
   * of it runs again, each step finding what the earlier attempts recorded (signals, plans, orders by client
   * order id). Without it a later start of a finished day is skipped. @default false
   */
  reopen: z.boolean().optional(),
});
export type ExecutionInput = z.infer<typeof ExecutionInput>;

/** PrepareRun's input: the execution input plus the execution's identity from the context object. */
export const PrepareRunInput = z.object({
  input: ExecutionInput,
  execution: z.object({ id: z.string(), name: z.string(), startTime: z.string().optional() }),
});
export type PrepareRunInput = z.infer<typeof PrepareRunInput>;

/** One Map item: a strategy and the flow its flag routes it to. */
export const BranchItem = z.object({ strategyId: z.string(), flow: Flow });
export type BranchItem = z.infer<typeof BranchItem>;

/** The error a Catch puts at `$.error`: `Error` is the error name, `Cause` its message or a JSON string. */
export const CaughtError = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtError = z.infer<typeof CaughtError>;

/** One paper book of shadow mode (docs/shadow.md): a shadowed strategy's own book, or the paper pool. */
export const ShadowItem = z.object({ bookId: BookId });
export type ShadowItem = z.infer<typeof ShadowItem>;

/**
 * How a paper book's day ended (a Shadows iteration's result: the Shadow step's output, or `ShadowFailed`'s
 * with the error the Catch caught). Before the Map runs, an item is just its `bookId`.
 */
export const ShadowResult = ShadowItem.extend({
  outcome: Outcome.optional(),
  orders: z.number().int().nonnegative().optional(),
  filled: z.number().int().nonnegative().optional(),
  error: CaughtError.optional(),
});
export type ShadowResult = z.infer<typeof ShadowResult>;

/**
 * Shadow mode in the run's state document (`$.prepare.shadows`): from PrepareRun, the account's equity paper
 * books are funded from; then PrepareShadows' paper books; then, written over them by the Shadows Map, their
 * results. `error`: PrepareShadows failed (caught: no paper book traded, production carried on).
 */
export const ShadowsState = z.object({
  /** The account's equity at the run's start (new paper books get their allocation of it). */
  equity: DecimalString.optional(),
  items: z.array(ShadowResult),
  error: CaughtError.optional(),
});
export type ShadowsState = z.infer<typeof ShadowsState>;

/** PrepareRun's output. `action: SKIP` ends the run without trading (market closed, or the day already ran). */
export const PrepareRunOutput = z.object({
  runId: z.string(),
  tradingDay: TradingDay,
  stage: z.string(),
  action: z.enum(['TRADE', 'SKIP']),
  reason: z.string().optional(),
  /** Reference of the market-data snapshot the branches read (fetched once per symbol). */
  snapshotRef: z.string(),
  items: z.array(BranchItem),
  /** At least one strategy is aggregated: the pool steps run after the Map. */
  hasPool: z.boolean(),
  /** At least one strategy has a paper book (docs/shadow.md): the shadow states run after the pool. */
  hasShadows: z.boolean().default(false),
  /** Shadow mode's state (see {@link ShadowsState}). */
  shadows: ShadowsState.default({ items: [] }),
});
export type PrepareRunOutput = z.infer<typeof PrepareRunOutput>;

/** What every run-level task receives. */
export const RunRef = z.object({
  runId: z.string(),
  tradingDay: TradingDay,
  stage: z.string(),
  snapshotRef: z.string(),
});
export type RunRef = z.infer<typeof RunRef>;

/** What every branch task (Evaluate, PlanRebalance, Execute, RecordBranchFailure) receives. */
export const BranchInput = RunRef.extend({ strategyId: z.string(), flow: Flow });
export type BranchInput = z.infer<typeof BranchInput>;

/**
 * Execute's and ExecutePool's phase: `sells` runs the plan's sells only (the first execution phase, in which
 * every book sells before any book buys); absent, the whole plan (its sells adopted by client order id).
 */
export const ExecutePhase = z.object({ phase: z.literal('sells').optional() });

/** What Execute receives: a branch, and its phase. */
export const ExecuteTaskInput = BranchInput.extend(ExecutePhase.shape);
export type ExecuteTaskInput = z.infer<typeof ExecuteTaskInput>;

/** What ExecutePool receives: the run, and its phase. */
export const ExecutePoolTaskInput = RunRef.extend(ExecutePhase.shape);
export type ExecutePoolTaskInput = z.infer<typeof ExecutePoolTaskInput>;

export const EvaluateOutput = z.object({
  /** Number of symbols with a non-zero target weight (0 = all cash). */
  targets: z.number().int().nonnegative(),
});
export type EvaluateOutput = z.infer<typeof EvaluateOutput>;

export const PlanOutput = z.object({
  action: z.enum(['rebalance', 'hold']),
  orders: z.number().int().nonnegative(),
});
export type PlanOutput = z.infer<typeof PlanOutput>;

/** A branch's id in a branch task's output: its result ends a Map iteration (`ResultSelector` picks them). */
const BranchOf = z.object({ strategyId: z.string(), flow: Flow });

/** PlanRebalance's output: the plan's size, and the branch it belongs to. */
export const PlanRebalanceOutput = PlanOutput.extend(BranchOf.shape);
export type PlanRebalanceOutput = z.infer<typeof PlanRebalanceOutput>;

export const ExecuteOutput = z.object({
  outcome: Outcome,
  orders: z.number().int().nonnegative(),
  filled: z.number().int().nonnegative(),
  /** The rail that stopped trading, when one did (e.g. `kill-switch`). */
  rail: z.string().optional(),
});
export type ExecuteOutput = z.infer<typeof ExecuteOutput>;

/** Execute's output: the execution's result, and the branch it belongs to. */
export const BranchExecuteOutput = ExecuteOutput.extend(BranchOf.shape);
export type BranchExecuteOutput = z.infer<typeof BranchExecuteOutput>;

export const RecordBranchFailureInput = BranchInput.extend({ error: CaughtError });
export type RecordBranchFailureInput = z.infer<typeof RecordBranchFailureInput>;

export const RecordBranchFailureOutput = z.object({
  outcome: z.enum(['FAILED', 'BLOCKED']),
  error: z.object({ name: z.string(), message: z.string() }),
});
export type RecordBranchFailureOutput = z.infer<typeof RecordBranchFailureOutput>;

/**
 * A branch's outcome in the state document: the day's {@link Outcome}, or `PLANNED` between the two Maps (a
 * per-book branch whose plan is recorded and waits for NetOrders and its Execute).
 */
export const BranchOutcome = z.enum([...Outcome.options, 'PLANNED']);
export type BranchOutcome = z.infer<typeof BranchOutcome>;

/** What each Map iteration ends with. The Map writes it over the iteration's item (a result is the item plus its outcome). */
export const BranchResult = z.object({
  strategyId: z.string(),
  flow: Flow,
  /**
   * For aggregated strategies after Evaluate: `SKIPPED` here, the pool outcome comes later; for per-book ones
   * after the first Map: `PLANNED`, replaced by the `Executions` Map's result.
   */
  outcome: BranchOutcome,
  /** Present when the branch ended through RecordBranchFailure: the error it recorded. */
  error: RecordBranchFailureOutput.shape.error.optional(),
});
export type BranchResult = z.infer<typeof BranchResult>;

/**
 * Whether a branch gets its second run (Finalize lists it in `retryItems`; `RetryFailedBranches` in
 * definition.ts runs it): a per-book branch that ended FAILED, or that was planned but never executed
 * (NetOrders failed, so the `Executions` Map had no item for it). BLOCKED branches are not re-run (their
 * inputs are unfit, not their execution), nor aggregated members (the pool has traded by then).
 */
export const branchNeedsRetry = (b: { flow: string; outcome: string }): boolean =>
  b.flow === 'per-book' && (b.outcome === 'FAILED' || b.outcome === 'PLANNED');

/** The Map items of the branches that get a second run (`branchNeedsRetry`): Finalize's `retryItems`. */
export const retryItemsOf = (branches: readonly BranchResult[]): BranchItem[] =>
  branches.filter(branchNeedsRetry).map((b) => ({ strategyId: b.strategyId, flow: b.flow }));

/** The branch results of a run after a second run: each re-run branch's new result replaces its first one. */
export const withRetried = (
  branches: readonly BranchResult[],
  retried: readonly BranchResult[] = [],
): BranchResult[] => {
  const again = new Map(retried.map((r) => [r.strategyId, r]));
  return branches.map((b) => again.get(b.strategyId) ?? b);
};

/**
 * NetOrders' input: the run, the first Map's results (the per-book branches that planned are `PLANNED`) and
 * the pool steps' result so far (PlanPool's output when the pool planned; `{}` or `{ outcome: FAILED }` else).
 */
export const NetOrdersInput = RunRef.extend({
  branches: z.array(BranchResult),
  pool: z.object({ action: z.string().optional() }).passthrough().optional(),
});
export type NetOrdersInput = z.infer<typeof NetOrdersInput>;

/**
 * NetOrders' output: the per-book branches to execute (the `Executions` Map's items), and what was crossed
 * between books inside the ledger instead of at the broker (docs/execution.md, "Netting at the account").
 */
export const NetOrdersOutput = z.object({
  items: z.array(BranchItem),
  /**
   * The per-book strategies (ids: all per-book) with a sell left to place after netting — the `Sells` Map's
   * items; the others sell nothing.
   */
  sells: z.array(z.string()),
  /** The pool has a sell left to place after netting (`ExecutePoolSells` runs). */
  poolSells: z.boolean(),
  /** Crosses between books (each one symbol, one seller, one buyer). */
  crosses: z.number().int().nonnegative(),
  /** Their notional at the as-of prices, in dollars. */
  notional: DecimalString,
});
export type NetOrdersOutput = z.infer<typeof NetOrdersOutput>;

/**
 * The day's branch results as Finalize reads them: the first Map's, the `Executions` Map's results over
 * them, then the second run's over those.
 */
export const dayBranches = (input: {
  readonly branches: readonly BranchResult[];
  readonly executed?: readonly BranchResult[] | undefined;
  readonly retried?: readonly BranchResult[] | undefined;
}): BranchResult[] => withRetried(withRetried(input.branches, input.executed), input.retried);

export const AggregatePoolOutput = z.object({
  members: z.number().int().nonnegative(),
  targets: z.number().int().nonnegative(),
});
export type AggregatePoolOutput = z.infer<typeof AggregatePoolOutput>;

/** PrepareShadows' input: the run, and the account's equity new paper books are funded from. */
export const PrepareShadowsInput = RunRef.extend({ equity: DecimalString });
export type PrepareShadowsInput = z.infer<typeof PrepareShadowsInput>;

/** PrepareShadows' output: the paper books to trade today (the Shadows Map's items). */
export const PrepareShadowsOutput = z.object({ items: z.array(ShadowItem) });
export type PrepareShadowsOutput = z.infer<typeof PrepareShadowsOutput>;

/** What a Shadows iteration's task receives: the run and one paper book. */
export const ShadowInput = RunRef.extend({ bookId: BookId });
export type ShadowInput = z.infer<typeof ShadowInput>;

/** The Shadow step's output: how its paper book's day ended (`error`: it failed or was blocked, recorded). */
export const ShadowOutput = ShadowItem.extend({
  outcome: Outcome,
  orders: z.number().int().nonnegative(),
  filled: z.number().int().nonnegative(),
  error: CaughtError.optional(),
});
export type ShadowOutput = z.infer<typeof ShadowOutput>;

/**
 * One shadowed strategy in the day's notification data (Finalize's `shadows`): its paper result against
 * production's. Money in dollars, returns in percent, decimal strings; null where there is nothing to show
 * (no NAV today; no production side for a `mode: shadow` strategy).
 */
export const ShadowSummary = z.object({
  strategyId: z.string(),
  mode: z.enum(['live', 'shadow']),
  /** The paper book's flow (per-book: its own paper book; aggregated: its share of the paper pool). */
  flow: Flow,
  outcome: Outcome,
  error: z.object({ name: z.string(), message: z.string() }).optional(),
  nav: DecimalString.nullable(),
  dayPnl: DecimalString.nullable(),
  productionNav: DecimalString.nullable(),
  productionDayPnl: DecimalString.nullable(),
  /** Paper cumulative return minus production's since the paper book's first NAV, in percentage points. */
  trackingDifferencePct: DecimalString.nullable(),
});
export type ShadowSummary = z.infer<typeof ShadowSummary>;

export const FinalizeInput = RunRef.extend({
  branches: z.array(BranchResult),
  /**
   * The `Executions` Map's results, written over NetOrders' items (they replace the `PLANNED` results of the
   * first Map); empty when NetOrders failed (the PLANNED branches then get their second run).
   */
  executed: z.array(BranchResult).optional(),
  /** FinalizeRetried: the results of the branches' second run (they replace their first results). */
  retried: z.array(BranchResult).optional(),
  /**
   * The pool steps' result: `{}` when no strategy is aggregated (the steps did not run), ExecutePool's output
   * when they ran, `{ outcome: 'FAILED', error }` when one of them failed (the Catch carries on to Finalize).
   */
  pool: z.object({ outcome: Outcome.optional(), error: CaughtError.optional() }).passthrough().optional(),
  /** Shadow mode's state after its states ran (absent on executions started before shadow mode). */
  shadows: ShadowsState.optional(),
});
export type FinalizeInput = z.infer<typeof FinalizeInput>;

export const FinalizeOutput = z.object({
  runId: z.string(),
  status: z.enum(['SUCCEEDED', 'FAILED', 'BLOCKED', 'ABORTED']),
  reconciliation: z.object({ ok: z.boolean(), differences: z.number().int().nonnegative() }),
  /** The branches that get a second run (`branchNeedsRetry`), as Map items. */
  retryItems: z.array(BranchItem),
  /** How many: `retryItems.length` (what the definition's Choice tests). */
  retryBranches: z.number().int().nonnegative(),
  /** The pool steps failed (not blocked): they get a second run. */
  retryPool: z.boolean(),
  /**
   * The day's shadow comparison, one entry per shadowed strategy (the daily notification's data); absent
   * when nothing is shadowed, or when the paper books could not be read (logged: Finalize never fails on them).
   */
  shadows: z.array(ShadowSummary).optional(),
});
export type FinalizeOutput = z.infer<typeof FinalizeOutput>;

/** What an execution ends with: Finalize's output, or PrepareRun's output when the run was skipped (`action: SKIP`). */
export const ExecutionOutput = z.union([FinalizeOutput, PrepareRunOutput]);
export type ExecutionOutput = z.infer<typeof ExecutionOutput>;

/** Every task's input and output schema, by task name (what a handler parses, and what a fake must return). */
export const TaskSchemas = {
  PrepareRun: { input: PrepareRunInput, output: PrepareRunOutput },
  Evaluate: { input: BranchInput, output: EvaluateOutput },
  PlanRebalance: { input: BranchInput, output: PlanRebalanceOutput },
  Execute: { input: ExecuteTaskInput, output: BranchExecuteOutput },
  RecordBranchFailure: { input: RecordBranchFailureInput, output: RecordBranchFailureOutput },
  AggregatePool: { input: RunRef, output: AggregatePoolOutput },
  PlanPool: { input: RunRef, output: PlanOutput },
  NetOrders: { input: NetOrdersInput, output: NetOrdersOutput },
  ExecutePool: { input: ExecutePoolTaskInput, output: ExecuteOutput },
  PrepareShadows: { input: PrepareShadowsInput, output: PrepareShadowsOutput },
  Shadow: { input: ShadowInput, output: ShadowOutput },
  Finalize: { input: FinalizeInput, output: FinalizeOutput },
} as const satisfies Record<TaskName, { input: z.ZodType; output: z.ZodType }>;

/**
 * Step Functions' history ceiling as this definition spends it: a Standard execution's history holds at most
 * 25,000 events, and a day writes a fixed number per strategy (its Map iteration) plus a fixed number for
 * the run. The figures are the definition's, counted under AWS's accounting by `dayHistoryEvents`
 * (history.ts); a test keeps them equal. A clean day may use `cleanDayShare` of the limit: the rest is kept
 * for retries (3 events each) and the second run of failed branches (about 46 events per branch that fails
 * and runs again).
 */
export const HistoryEvents = {
  limit: 25_000,
  cleanDayShare: 0.8,
  /**
   * One per-book strategy's iterations: Evaluate, RouteByFlow, PlanRebalance in the planning Map; ExecuteSells
   * in the sells Map; Execute in the execution Map (each task's result ends its iteration).
   */
  perBook: 28,
  /** One aggregated strategy's iteration: Evaluate, RouteByFlow, PoolMemberResult. */
  aggregated: 11,
  /**
   * The run's own states and the execution (NetOrders, the sells and execution Maps included), with the pool
   * steps (its sells among them) and without (and no paper book).
   */
  runWithPool: 63,
  runWithoutPool: 45,
  /** Shadow mode's run-level states on a day with paper books: PrepareShadows and the Shadows Map. */
  shadowRun: 9,
  /** One paper book's iteration of the Shadows Map: its Shadow task. */
  paperBook: 7,
} as const;

/** What a day is made of, for counting: strategies by flow, and shadow mode's paper books. */
export interface DayShape {
  readonly perBook: number;
  readonly aggregated: number;
  /** Paper books (a shadowed strategy's own, or the paper pool). @default 0 */
  readonly paperBooks?: number;
}

/** The history events of a clean day of `perBook` and `aggregated` strategies and `paperBooks`. */
export const historyEventsOfDay = (shape: DayShape): number => {
  const paper = shape.paperBooks ?? 0;
  return (
    (shape.aggregated > 0 ? HistoryEvents.runWithPool : HistoryEvents.runWithoutPool) +
    shape.perBook * HistoryEvents.perBook +
    shape.aggregated * HistoryEvents.aggregated +
    (paper > 0 ? HistoryEvents.shadowRun + paper * HistoryEvents.paperBook : 0)
  );
};

/** The events a clean day may use: the limit less the margin for retries and second runs. */
export const historyBudget = (): number => Math.floor(HistoryEvents.limit * HistoryEvents.cleanDayShare);

/** The most strategies one execution supports when all are per-book (the costlier flow). */
export const MAX_STRATEGIES_PER_EXECUTION = Math.floor(
  (historyBudget() - HistoryEvents.runWithoutPool) / HistoryEvents.perBook,
);

/** Why a day of this shape cannot run as one execution, or null when it fits (see {@link HistoryEvents}). */
export const historyCeilingProblem = (shape: DayShape): string | null => {
  const events = historyEventsOfDay(shape);
  if (events <= historyBudget()) return null;
  return (
    `${shape.perBook + shape.aggregated} enabled strategies (${shape.perBook} per-book, ${shape.aggregated} aggregated) ` +
    `${shape.paperBooks ? `and ${shape.paperBooks} paper books ` : ''}` +
    `make a day of ${events} Step Functions history events; one execution holds at most ` +
    `${HistoryEvents.limit}, and a day may use ${historyBudget()} of them (the rest is kept for retries and ` +
    `second runs): at most ${MAX_STRATEGIES_PER_EXECUTION} per-book strategies (an aggregated one costs about half). ` +
    'Disable some, or split them across stages (docs/workflow.md, "The history ceiling")'
  );
};
