/**
 * The one state machine definition, in Amazon States Language with JSONPath (no JSONata: the local
 * interpreter cannot run it). Parameterised only by the task ARNs and a few settings; SST deploys the object
 * `buildDefinition` returns and the local runner executes the same object.
 *
 * A day in four phases, so that what one book would trade against another is crossed inside the ledger and
 * every buy spends cash that is at the broker: plan every book (the `Strategies` Map: Evaluate, and a
 * per-book strategy's PlanRebalance; then the pool's AggregatePool and PlanPool); NetOrders; every book's
 * sells (the `Sells` Map over the books with a sell left, then the pool's); the executions (the `Executions`
 * Map, then ExecutePool).
 *
 * State document (what `$` holds between run-level states):
 * `{ ...executionInput, prepare: PrepareRunOutput, pool?: ..., netting?: NetOrdersOutput, finalize?:
 * FinalizeOutput }`. The planning Map writes each iteration's BranchResult over its item in
 * `$.prepare.items` (a result is the item plus its outcome), and the execution Map its results over
 * NetOrders' items, so the payload never carries a list twice; shadow mode's states keep theirs the same
 * way in `$.prepare.shadows` (shadow-states.ts), after the pool and before Finalize.
 *
 * Console redrive. The Catch inside each iteration keeps one strategy from failing the others, but it also
 * makes the iteration (and so the execution) succeed, and Step Functions only redrives executions that
 * failed. So after Finalize, every per-book branch that ended FAILED (Finalize lists them) and a FAILED pool
 * get a second run *without* a Catch (`RetryFailedBranches`, then `RetryPool`) and a second Finalize. If that run
 * fails again, the execution fails, and a redrive from the console re-runs exactly the iterations that
 * failed, then the second Finalize. Client order ids make every re-run safe. A day with no failure takes
 * two more transitions than without this (the `AnythingToRetry` Choice and `Done`).
 *
 * This module holds the run-level states; a branch's states (both runs) are in `branch-states.ts`, the
 * pool's in `pool-states.ts`, shadow mode's in `shadow-states.ts`, and every Task state is written by
 * `task-chain.ts`.
 */
import * as z from 'zod';
import type { AslDefinition } from './asl.ts';
import {
  BranchSteps,
  branchMap,
  EXECUTE_SELLS,
  executionIteration,
  firstRunIteration,
  RECORD_EXECUTE_FAILURE,
  secondRunIteration,
  sellsIteration,
} from './branch-states.ts';
import { type TaskName, TaskNames } from './contract.ts';
import { WorkflowConfigInvalidError } from './errors.ts';
import { RUN_REF } from './payload-refs.ts';
import {
  DEFAULT_EXECUTION_TIMEOUT_SECONDS,
  DEFAULT_MAX_CONCURRENCY,
  DefaultTimeouts,
  MAX_CONCURRENCY_LIMIT,
} from './policy.ts';
import {
  EXECUTE_POOL_SELLS,
  firstRunPool,
  PoolSteps,
  poolExecutionStates,
  poolSellsStates,
  retryPoolState,
} from './pool-states.ts';
import { RETRY_PREFIX } from './second-run.ts';
import { shadowStates } from './shadow-states.ts';
import { StateNames } from './state-names.ts';
import { catchAll, taskFactory } from './task-chain.ts';

export { StateNames } from './state-names.ts';

/**
 * The task of every Task state not named after its task: the second run of a failed branch or pool
 * (`Retry` + task), the second Finalize, and the execution Map's failure record (same functions, other
 * state names: ASL names are unique across the machine).
 */
export const RetryTaskStates: Readonly<Record<string, TaskName>> = {
  ...Object.fromEntries(
    [...BranchSteps, ...PoolSteps].map(({ task }): [string, TaskName] => [`${RETRY_PREFIX}${task}`, task]),
  ),
  FinalizeRetried: 'Finalize',
  [RECORD_EXECUTE_FAILURE]: 'RecordBranchFailure',
  [EXECUTE_SELLS]: 'Execute',
  [EXECUTE_POOL_SELLS]: 'ExecutePool',
};

/** The task a Task state runs: its own name, or the entry of {@link RetryTaskStates}. */
export const taskOfStateName = (state: string): TaskName | undefined =>
  RetryTaskStates[state] ?? TaskNames.find((t) => t === state);

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

/** Builds the state machine definition (a fresh object each call). Throws WorkflowConfigInvalidError on bad options. */
export const buildDefinition = (options: DefinitionOptions): AslDefinition => {
  const parsed = DefinitionOptions.safeParse(options);
  if (!parsed.success) {
    throw new WorkflowConfigInvalidError(`invalid definition options: ${z.prettifyError(parsed.error)}`);
  }
  const { functionArns, maxConcurrency, timeouts, executionTimeoutSeconds } = parsed.data;
  const task = taskFactory(functionArns, timeouts);
  const concurrency = maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;

  const pool = firstRunPool(task, 'NetOrders');
  const poolExecution = poolExecutionStates(task, StateNames.AnyShadows);
  const poolSells = poolSellsStates(task, StateNames.Executions);

  return {
    Comment:
      'Ensemble trading day: prepare, plan every book (one Map iteration per strategy, then the pool), net opposite orders between books, execute, the paper books, finalize.',
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
      [StateNames.Strategies]: branchMap(firstRunIteration(task), concurrency, {
        Comment:
          'One iteration per strategy (evaluate, and plan a per-book book); a Catch inside each iteration keeps one failure from the others.',
        ItemsPath: '$.prepare.items',
        ResultPath: '$.prepare.items',
        Next: StateNames.HasPool,
      }),
      [StateNames.HasPool]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.prepare.hasPool', BooleanEquals: true, Next: pool.StartAt }],
        Default: StateNames.NoPool,
      },
      [StateNames.NoPool]: { Type: 'Pass', Result: {}, ResultPath: '$.pool', Next: 'NetOrders' },
      ...pool.States,
      NetOrders: task('NetOrders', {
        Comment:
          'Every plan is recorded: cross opposite orders of different books inside the ledger; list the per-book branches to execute.',
        Parameters: { ...RUN_REF, 'branches.$': '$.prepare.items', 'pool.$': '$.pool' },
        ResultPath: '$.netting',
        Catch: catchAll('$.netting', StateNames.NettingFailed),
        Next: StateNames.Sells,
      }),
      [StateNames.NettingFailed]: {
        Type: 'Pass',
        Comment:
          'NetOrders failed: no branch executes now; Finalize lists the PLANNED ones for the second run (Execute completes a recorded netting first).',
        Parameters: { items: [], sells: [], poolSells: false, 'error.$': '$.netting' },
        ResultPath: '$.netting',
        Next: StateNames.Sells,
      },
      [StateNames.Sells]: branchMap(sellsIteration(task), concurrency, {
        Comment:
          'Every per-book branch with a sell left after netting places its sells first (then the pool’s), so that the buys spend cash that is at the broker.',
        ItemsPath: '$.netting.sells',
        // Its items are strategy ids (only per-book strategies sell there): small, however many books sell.
        ItemSelector: { ...RUN_REF, 'strategyId.$': '$$.Map.Item.Value', flow: 'per-book' },
        ResultPath: null,
        Next: poolSells.StartAt,
      }),
      ...poolSells.States,
      [StateNames.Executions]: branchMap(executionIteration(task), concurrency, {
        Comment:
          'One iteration per per-book branch that planned: execute its plan less what was crossed; a Catch inside each iteration keeps one failure from the others.',
        ItemsPath: '$.netting.items',
        ResultPath: '$.netting.items',
        Next: poolExecution.StartAt,
      }),
      ...poolExecution.States,
      ...shadowStates(task, concurrency, 'Finalize'),
      Finalize: task('Finalize', {
        Comment: 'Run summary, reconciliation, report; counts what gets a second run.',
        Parameters: {
          ...RUN_REF,
          'branches.$': '$.prepare.items',
          'executed.$': '$.netting.items',
          'pool.$': '$.pool',
          'shadows.$': '$.prepare.shadows',
        },
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
      [StateNames.RetryFailedBranches]: branchMap(secondRunIteration(task), concurrency, {
        Comment:
          'Second run of the branches Finalize listed (per-book, FAILED), without a Catch: a failure here fails the execution, and a redrive re-runs just that iteration. Empty when only the pool failed.',
        ItemsPath: '$.finalize.retryItems',
        ResultPath: '$.retried',
        Next: StateNames.PoolToRetry,
      }),
      [StateNames.PoolToRetry]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.finalize.retryPool', BooleanEquals: true, Next: StateNames.RetryPool }],
        Default: 'FinalizeRetried',
      },
      [StateNames.RetryPool]: retryPoolState(task, 'FinalizeRetried'),
      FinalizeRetried: task('Finalize', {
        Comment: 'Finalize again, with the second run’s outcomes: the execution’s output.',
        Parameters: {
          ...RUN_REF,
          'branches.$': '$.prepare.items',
          'executed.$': '$.netting.items',
          'retried.$': '$.retried',
          'pool.$': '$.pool',
          'shadows.$': '$.prepare.shadows',
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
