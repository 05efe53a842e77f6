/**
 * The one state machine definition, in Amazon States Language with JSONPath (no JSONata: the local
 * interpreter cannot run it). Parameterised only by the task ARNs and a few settings; SST deploys the object
 * `buildDefinition` returns and the local runner executes the same object.
 *
 * State document (what `$` holds between run-level states):
 * `{ ...executionInput, prepare: PrepareRunOutput, pool?: ..., finalize?: FinalizeOutput }`. The Map writes
 * each iteration's BranchResult over its item in `$.prepare.items` (a result is the item plus its outcome), so
 * the payload never carries both lists.
 *
 * Console redrive. The Catch inside each iteration keeps one strategy from failing the others, but it also
 * makes the iteration (and so the execution) succeed, and Step Functions only redrives executions that
 * failed. So after Finalize, every per-book branch that ended FAILED (Finalize lists them) and a FAILED pool
 * get a second run *without* a Catch (`RetryFailedBranches`, then `RetryPool`) and a second Finalize. If that run
 * fails again, the execution fails, and a redrive from the console re-runs exactly the iterations that
 * failed, then the second Finalize. Client order ids make every re-run safe. A day with no failure takes
 * two more transitions than without this (the `AnythingToRetry` Choice and `Done`).
 */
import { z } from 'zod';
import type { AslDefinition, AslState } from './asl.ts';
import { type TaskName, TaskNames } from './contract.ts';
import { WorkflowConfigInvalidError } from './errors.ts';
import { BRANCH_REF, branchId, ITERATION_REF, RUN_REF } from './payload-refs.ts';
import {
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  DEFAULT_MAX_CONCURRENCY,
  DefaultTimeouts,
  MAX_CONCURRENCY_LIMIT,
} from './policy.ts';
import { catchAll, type TaskStep, taskChain, taskFactory } from './task-chain.ts';

/** Names of the states that are not tasks (every task state is named after its task). */
export const StateNames = {
  RunAction: 'RunAction',
  Skipped: 'Skipped',
  Strategies: 'Strategies',
  RouteByFlow: 'RouteByFlow',
  BranchResult: 'BranchResult',
  PoolMemberResult: 'PoolMemberResult',
  BranchFailed: 'BranchFailed',
  HasPool: 'HasPool',
  NoPool: 'NoPool',
  PoolFailed: 'PoolFailed',
  AnythingToRetry: 'AnythingToRetry',
  Done: 'Done',
  RetryFailedBranches: 'RetryFailedBranches',
  RetriedOutcome: 'RetriedOutcome',
  RetriedResult: 'RetriedResult',
  BranchFailedAgain: 'BranchFailedAgain',
  PoolToRetry: 'PoolToRetry',
  RetryPool: 'RetryPool',
  PoolRetried: 'PoolRetried',
  RetriedPoolOutcome: 'RetriedPoolOutcome',
  PoolFailedAgain: 'PoolFailedAgain',
} as const;

/**
 * The task of every Task state not named after its task: the second run of a failed branch or pool, and
 * the second Finalize (same functions, other state names: ASL names are unique across the machine).
 */
export const RetryTaskStates = {
  RetryEvaluate: 'Evaluate',
  RetryPlanRebalance: 'PlanRebalance',
  RetryExecute: 'Execute',
  RetryAggregatePool: 'AggregatePool',
  RetryPlanPool: 'PlanPool',
  RetryExecutePool: 'ExecutePool',
  FinalizeRetried: 'Finalize',
} as const satisfies Record<string, TaskName>;

/** The task a Task state runs: its own name, or the entry of {@link RetryTaskStates}. */
export const taskOfStateName = (state: string): TaskName | undefined =>
  (RetryTaskStates as Record<string, TaskName>)[state] ?? TaskNames.find((t) => t === state);

const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;

/** Options of {@link buildDefinition}. */
export const DefinitionOptions = z.object({
  /** The Lambda function ARN of every task (plain function ARNs, not `arn:aws:states:::lambda:invoke`). */
  functionArns: z.record(z.enum(TaskNames), z.string().regex(LAMBDA_ARN, 'expected a Lambda function ARN')),
  /**
   * Map iterations run at once (1–40).
   * @default 10
   */
  maxConcurrency: z.number().int().min(1).max(MAX_CONCURRENCY_LIMIT).optional(),
  /**
   * `TimeoutSeconds` per task, overriding {@link DefaultTimeouts}.
   * @default DefaultTimeouts
   */
  timeouts: z.partialRecord(z.enum(TaskNames), z.number().int().min(1).max(86_400)).optional(),
  /**
   * Limit on the whole execution, in seconds.
   * @default 3600
   */
  executionTimeoutSeconds: z.number().int().min(60).max(86_400).optional(),
});
export type DefinitionOptions = z.input<typeof DefinitionOptions>;

/** A per-book branch's tasks, in order; the first run routes aggregated strategies out after Evaluate. */
const BranchSteps = [
  { task: 'Evaluate', resultPath: '$.evaluate' },
  { task: 'PlanRebalance', resultPath: '$.plan' },
  { task: 'Execute', resultPath: '$.execute' },
] as const satisfies readonly TaskStep[];

/** The pool's tasks, in order; each overwrites `$.pool`, so Finalize sees ExecutePool's result. */
const PoolSteps = [
  { task: 'AggregatePool', resultPath: '$.pool' },
  { task: 'PlanPool', resultPath: '$.pool' },
  { task: 'ExecutePool', resultPath: '$.pool' },
] as const satisfies readonly TaskStep[];

/** Builds the state machine definition (a fresh object each call). Throws WorkflowConfigInvalidError on bad options. */
export const buildDefinition = (options: DefinitionOptions): AslDefinition => {
  const parsed = DefinitionOptions.safeParse(options);
  if (!parsed.success) {
    throw new WorkflowConfigInvalidError(`invalid definition options: ${z.prettifyError(parsed.error)}`);
  }
  const { functionArns, maxConcurrency, timeouts, executionTimeoutSeconds } = parsed.data;
  const task = taskFactory(functionArns, timeouts);
  const concurrency = maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;

  const [evaluate, planRebalance, execute] = BranchSteps;
  const branch = taskChain(task, {
    prefix: '',
    links: [
      evaluate,
      {
        name: StateNames.RouteByFlow,
        state: (next) => ({
          Type: 'Choice',
          Comment:
            'Per-book strategies trade their own book; aggregated ones stop here and trade in the pool.',
          Choices: [{ Variable: '$.flow', StringEquals: 'aggregated', Next: StateNames.PoolMemberResult }],
          Default: next,
        }),
      },
      planRebalance,
      execute,
    ],
    parameters: BRANCH_REF,
    catch: catchAll('$.error', 'RecordBranchFailure'),
    comments: { Evaluate: 'Evaluate the strategy on the snapshot and record its target weights.' },
    next: StateNames.BranchResult,
  });
  const iteration: Record<string, AslState> = {
    ...branch.States,
    [StateNames.BranchResult]: {
      Type: 'Pass',
      Parameters: { ...branchId('$'), 'outcome.$': '$.execute.outcome' },
      End: true,
    },
    [StateNames.PoolMemberResult]: {
      Type: 'Pass',
      Parameters: { ...branchId('$'), outcome: 'SKIPPED' },
      End: true,
    },
    RecordBranchFailure: task('RecordBranchFailure', {
      Comment: 'Record the branch as FAILED (or BLOCKED) with the caught error; the other branches go on.',
      Parameters: { ...BRANCH_REF, 'error.$': '$.error' },
      ResultPath: '$.failure',
      Next: StateNames.BranchFailed,
    }),
    [StateNames.BranchFailed]: {
      Type: 'Pass',
      Parameters: { ...branchId('$'), 'outcome.$': '$.failure.outcome', 'error.$': '$.failure.error' },
      End: true,
    },
  };

  // The second run of a failed per-book branch (Finalize lists them: `retryItems`): the same steps, no Catch
  // (a failure fails the execution, which makes it redrivable), and an outcome still FAILED fails it too.
  const retryBranch = taskChain(task, {
    prefix: 'Retry',
    links: BranchSteps,
    parameters: BRANCH_REF,
    next: StateNames.RetriedOutcome,
  });
  const retryIteration: Record<string, AslState> = {
    ...retryBranch.States,
    [StateNames.RetriedOutcome]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.execute.outcome', StringEquals: 'FAILED', Next: StateNames.BranchFailedAgain },
      ],
      Default: StateNames.RetriedResult,
    },
    [StateNames.RetriedResult]: {
      Type: 'Pass',
      Parameters: { ...branchId('$'), 'outcome.$': '$.execute.outcome' },
      End: true,
    },
    [StateNames.BranchFailedAgain]: {
      Type: 'Fail',
      Comment: 'Execute recorded the branch FAILED again: fail, so the execution can be redriven.',
      Error: 'BranchFailed',
      Cause: 'the branch ended FAILED on its second run; fix the cause, then redrive the execution',
    },
  };

  const pool = taskChain(task, {
    prefix: '',
    links: PoolSteps,
    parameters: RUN_REF,
    catch: catchAll('$.pool', StateNames.PoolFailed),
    comments: { AggregatePool: 'Merge the aggregated strategies’ targets into the pool’s.' },
    next: 'Finalize',
  });
  const retryPool = taskChain(task, {
    prefix: 'Retry',
    links: PoolSteps,
    parameters: RUN_REF,
    next: StateNames.RetriedPoolOutcome,
  });

  return {
    Comment: 'Ensemble trading day: prepare, one Map iteration per strategy, the pool, finalize.',
    StartAt: 'PrepareRun',
    TimeoutSeconds: executionTimeoutSeconds ?? DEFAULT_EXECUTION_TIMEOUT_SECONDS,
    States: {
      PrepareRun: task('PrepareRun', {
        Comment: 'Config, calendar, idempotent Run record, one market-data snapshot, the Map items.',
        Parameters: {
          'input.$': '$',
          execution: {
            'id.$': '$$.Execution.Id',
            'name.$': '$$.Execution.Name',
            'startTime.$': '$$.Execution.StartTime',
          },
        },
        ResultPath: '$.prepare',
        Next: StateNames.RunAction,
      }),
      [StateNames.RunAction]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.prepare.action', StringEquals: 'SKIP', Next: StateNames.Skipped }],
        Default: StateNames.Strategies,
      },
      [StateNames.Skipped]: {
        Type: 'Succeed',
        Comment: 'Market closed, or the day already ran: the output is PrepareRun’s (action SKIP, reason).',
        OutputPath: '$.prepare',
      },
      [StateNames.Strategies]: {
        Type: 'Map',
        Comment:
          'One iteration per strategy; a Catch inside each iteration keeps one failure from the others.',
        ItemsPath: '$.prepare.items',
        ItemSelector: ITERATION_REF,
        MaxConcurrency: concurrency,
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: branch.StartAt, States: iteration },
        ResultPath: '$.prepare.items',
        Next: StateNames.HasPool,
      },
      [StateNames.HasPool]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.prepare.hasPool', BooleanEquals: true, Next: pool.StartAt }],
        Default: StateNames.NoPool,
      },
      [StateNames.NoPool]: { Type: 'Pass', Result: {}, ResultPath: '$.pool', Next: 'Finalize' },
      ...pool.States,
      [StateNames.PoolFailed]: {
        Type: 'Pass',
        Comment: 'A pool step failed: record its error and carry on to Finalize.',
        Parameters: { outcome: 'FAILED', 'error.$': '$.pool' },
        ResultPath: '$.pool',
        Next: 'Finalize',
      },
      Finalize: task('Finalize', {
        Comment: 'Run summary, reconciliation, report; counts what gets a second run.',
        Parameters: { ...RUN_REF, 'branches.$': '$.prepare.items', 'pool.$': '$.pool' },
        ResultPath: '$.finalize',
        Next: StateNames.AnythingToRetry,
      }),
      [StateNames.AnythingToRetry]: {
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.finalize.retryBranches',
            NumericGreaterThan: 0,
            Next: StateNames.RetryFailedBranches,
          },
          { Variable: '$.finalize.retryPool', BooleanEquals: true, Next: StateNames.RetryFailedBranches },
        ],
        Default: StateNames.Done,
      },
      [StateNames.Done]: {
        Type: 'Succeed',
        Comment: 'Nothing failed that a second run could mend: the output is Finalize’s.',
        OutputPath: '$.finalize',
      },
      [StateNames.RetryFailedBranches]: {
        Type: 'Map',
        Comment:
          'Second run of the branches Finalize listed (per-book, FAILED), without a Catch: a failure here fails the execution, and a redrive re-runs just that iteration. Empty when only the pool failed.',
        ItemsPath: '$.finalize.retryItems',
        ItemSelector: ITERATION_REF,
        MaxConcurrency: concurrency,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: retryBranch.StartAt,
          States: retryIteration,
        },
        ResultPath: '$.retried',
        Next: StateNames.PoolToRetry,
      },
      [StateNames.PoolToRetry]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.finalize.retryPool', BooleanEquals: true, Next: StateNames.RetryPool }],
        Default: 'FinalizeRetried',
      },
      [StateNames.RetryPool]: {
        Type: 'Parallel',
        Comment:
          'Second run of a FAILED pool, without a Catch. A one-branch Parallel, so that a redrive re-runs the branch (a redrive re-enters a failed state: a run-level Fail state would only fail again).',
        Branches: [
          {
            StartAt: retryPool.StartAt,
            States: {
              ...retryPool.States,
              [StateNames.RetriedPoolOutcome]: {
                Type: 'Choice',
                Choices: [
                  { Variable: '$.pool.outcome', StringEquals: 'FAILED', Next: StateNames.PoolFailedAgain },
                ],
                Default: StateNames.PoolRetried,
              },
              [StateNames.PoolFailedAgain]: {
                Type: 'Fail',
                Error: 'PoolFailed',
                Cause: 'the pool ended FAILED on its second run; fix the cause, then redrive the execution',
              },
              [StateNames.PoolRetried]: { Type: 'Succeed' },
            },
          },
        ],
        OutputPath: '$[0]',
        Next: 'FinalizeRetried',
      },
      FinalizeRetried: task('Finalize', {
        Comment: 'Finalize again, with the second run’s outcomes: the execution’s output.',
        Parameters: {
          ...RUN_REF,
          'branches.$': '$.prepare.items',
          'retried.$': '$.retried',
          'pool.$': '$.pool',
        },
        End: true,
      }),
    },
  };
};

/** Function ARNs `arn:aws:lambda:<region>:<account>:function:<prefix><Task>` for every task. */
export const taskArns = (prefix: string, region: string, accountId: string): Record<TaskName, string> =>
  Object.fromEntries(
    TaskNames.map((t) => [t, `arn:aws:lambda:${region}:${accountId}:function:${prefix}${t}`]),
  ) as Record<TaskName, string>;

/** Placeholder ARNs (documentation account `123456789012`), for `ensemble definition` and the docs. */
export const placeholderArns = (): Record<TaskName, string> =>
  taskArns('ensemble-', 'us-east-1', '123456789012');

/** The ARNs the local runner's definition carries (account `000000000000`); every task runs in-process. */
export const localArns = (): Record<TaskName, string> =>
  taskArns('ensemble-local-', 'us-east-1', '000000000000');

/**
 * The definition as JSON text: 2-space indented, keys in the builder's fixed order (independent of the order
 * of `functionArns`), ending with a newline.
 */
export const definitionJson = (
  functionArns: Record<TaskName, string>,
  options: Omit<DefinitionOptions, 'functionArns'> = {},
): string => `${JSON.stringify(buildDefinition({ ...options, functionArns }), null, 2)}\n`;
