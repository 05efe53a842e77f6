/**
 * One strategy's branch: the states of a Map iteration on the first run (with the Catch that keeps one
 * failure from the others) and on the second (without it), and the Map around either. Between an
 * iteration's states, `$` is the item (run references, `strategyId`, `flow`) plus each task's result.
 */
import type { AslState, MapState, PassState, PayloadTemplate, StateGraph } from './asl.ts';
import { BRANCH_REF, branchId, ITERATION_REF } from './payload-refs.ts';
import { failedAgain, RETRY_PREFIX, stillFailed } from './second-run.ts';
import { StateNames } from './state-names.ts';
import { catchAll, type TaskFactory, type TaskStep, taskChain } from './task-chain.ts';

/**
 * A per-book branch's tasks, in order. The first run splits them: Evaluate and PlanRebalance in the planning
 * Map (aggregated strategies routed out after Evaluate), Execute in the execution Map after NetOrders; the
 * second run of a failed branch runs all three in one iteration.
 */
export const BranchSteps = [
  { task: 'Evaluate', resultPath: '$.evaluate' },
  { task: 'PlanRebalance', resultPath: '$.plan' },
  { task: 'Execute', resultPath: '$.execute' },
] as const satisfies readonly TaskStep[];

/** An iteration's last state: its result, the branch and its outcome (the Map writes it over the item). */
const result = (outcome: PayloadTemplate): PassState => ({
  Type: 'Pass',
  Parameters: { ...branchId('$'), ...outcome },
  End: true,
});

/** A first-run failure path: record the caught error (RecordBranchFailure's task), end the iteration. */
const failurePath = (task: TaskFactory, record: string, failed: string): Record<string, AslState> => ({
  [record]: task('RecordBranchFailure', {
    Comment: 'Record the branch as FAILED (or BLOCKED) with the caught error; the other branches go on.',
    Parameters: { ...BRANCH_REF, 'error.$': '$.error' },
    ResultPath: '$.failure',
    Next: failed,
  }),
  [failed]: result({ 'outcome.$': '$.failure.outcome', 'error.$': '$.failure.error' }),
});

/**
 * An iteration of the first run's planning Map (`Strategies`): Evaluate, then per-book strategies plan their
 * book and end `PLANNED` with PlanRebalance's result (which names the branch; no Pass state: a transition
 * fewer) (they execute in the `Executions` Map, after NetOrders has seen every plan);
 * aggregated ones end after Evaluate and trade in the pool. A failed task is caught, recorded, and ends the
 * iteration as FAILED (or BLOCKED).
 */
export const firstRunIteration = (task: TaskFactory): StateGraph => {
  const [evaluate, planRebalance] = BranchSteps;
  const chain = taskChain(task, {
    prefix: '',
    links: [
      evaluate,
      {
        name: StateNames.RouteByFlow,
        state: (next) => ({
          Type: 'Choice',
          Comment:
            'Per-book strategies plan their own book; aggregated ones stop here and trade in the pool.',
          Choices: [{ Variable: '$.flow', StringEquals: 'aggregated', Next: StateNames.PoolMemberResult }],
          Default: next,
        }),
      },
      planRebalance,
    ],
    parameters: BRANCH_REF,
    catch: catchAll('$.error', 'RecordBranchFailure'),
    comments: { Evaluate: 'Evaluate the strategy on the snapshot and record its target weights.' },
    // PlanRebalance's result names its branch: the iteration ends PLANNED with it.
    next: { result: { ...branchId('$'), outcome: 'PLANNED' } },
  });
  return {
    StartAt: chain.StartAt,
    States: {
      ...chain.States,
      [StateNames.PoolMemberResult]: result({ outcome: 'SKIPPED' }),
      ...failurePath(task, 'RecordBranchFailure', StateNames.BranchFailed),
    },
  };
};

/**
 * An iteration of the first run's execution Map (`Executions`, over NetOrders' items: the branches that
 * planned): Execute the book's plan less what NetOrders crossed, a failure caught and recorded as in the
 * planning Map (under other state names: ASL names are unique across the machine).
 */
export const executionIteration = (task: TaskFactory): StateGraph => {
  const [, , execute] = BranchSteps;
  const chain = taskChain(task, {
    prefix: '',
    links: [execute],
    parameters: BRANCH_REF,
    catch: catchAll('$.error', RECORD_EXECUTE_FAILURE),
    comments: { Execute: 'Place the plan’s orders (less what NetOrders crossed) and record the fills.' },
    // Execute's result names its branch: the iteration ends with its outcome.
    next: { result: { ...branchId('$'), 'outcome.$': '$.outcome' } },
  });
  return {
    StartAt: chain.StartAt,
    States: {
      ...chain.States,
      ...failurePath(task, RECORD_EXECUTE_FAILURE, StateNames.ExecuteFailed),
    },
  };
};

/** The Task state recording an Execute failure in the `Executions` Map (RecordBranchFailure's task). */
export const RECORD_EXECUTE_FAILURE = 'RecordExecuteFailure';

/** The Task state of the `Sells` Map (Execute's task, `phase: sells`). */
export const EXECUTE_SELLS = 'ExecuteSells';

/**
 * An iteration of the `Sells` Map (over NetOrders' items, before the `Executions` Map): the book's sells
 * only, so that every book has sold — and its cash is at the broker — before any book buys. Its result and
 * any failure are dropped: the full Execute after it adopts the sells by client order id (or runs them
 * again) and records the branch's outcome, or its failure.
 */
export const sellsIteration = (task: TaskFactory): StateGraph => ({
  StartAt: EXECUTE_SELLS,
  States: {
    [EXECUTE_SELLS]: task('Execute', {
      Comment: 'Place the plan’s sells (less what NetOrders crossed); the buys wait for every book’s sells.',
      Parameters: { ...BRANCH_REF, phase: 'sells' },
      ResultPath: null,
      Catch: catchAll(null, StateNames.SellsFailed),
      End: true,
    }),
    [StateNames.SellsFailed]: {
      Type: 'Pass',
      Comment: 'The sells failed: the full Execute runs them again and records the branch’s failure.',
      End: true,
    },
  },
});

/**
 * An iteration of the second run of a failed per-book branch (Finalize lists them: `retryItems`): the same
 * tasks without a Catch (a failure fails the execution, which makes it redrivable), and an outcome still
 * FAILED fails it too.
 */
export const secondRunIteration = (task: TaskFactory): StateGraph => {
  const chain = taskChain(task, {
    prefix: RETRY_PREFIX,
    links: BranchSteps,
    parameters: BRANCH_REF,
    next: StateNames.RetriedOutcome,
  });
  return {
    StartAt: chain.StartAt,
    States: {
      ...chain.States,
      [StateNames.RetriedOutcome]: stillFailed(
        '$.execute.outcome',
        StateNames.BranchFailedAgain,
        StateNames.RetriedResult,
      ),
      [StateNames.RetriedResult]: result({ 'outcome.$': '$.execute.outcome' }),
      [StateNames.BranchFailedAgain]: failedAgain(
        'BranchFailed',
        'branch',
        'Execute recorded the branch FAILED again: fail, so the execution can be redriven.',
      ),
    },
  };
};

/** Where a {@link branchMap} reads its items and writes its results (`null`: dropped), and what follows it. */
export interface BranchMapFields {
  Comment: string;
  ItemsPath: string;
  /** How an iteration's state is built from its item. @default ITERATION_REF (an item is a `BranchItem`) */
  ItemSelector?: PayloadTemplate;
  ResultPath: string | null;
  Next: string;
}

/** An INLINE Map running `iteration` once per branch at `ItemsPath`, at most `maxConcurrency` at once. */
export const branchMap = (
  iteration: StateGraph,
  maxConcurrency: number,
  fields: BranchMapFields,
): MapState => ({
  Type: 'Map',
  Comment: fields.Comment,
  ItemsPath: fields.ItemsPath,
  ItemSelector: fields.ItemSelector ?? ITERATION_REF,
  MaxConcurrency: maxConcurrency,
  ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...iteration },
  ResultPath: fields.ResultPath,
  Next: fields.Next,
});
