/**
 * The pool, which trades the aggregated strategies' merged targets: its first run at run level (planned
 * before NetOrders, executed after the per-book executions; a failure is caught and carried on to Finalize)
 * and its second run (without a Catch) inside a one-branch Parallel.
 * Every pool task reads the run's references and overwrites `$.pool`.
 */
import type { ParallelState, PassState, StateGraph } from './asl.ts';
import { RUN_REF } from './payload-refs.ts';
import { failedAgain, RETRY_PREFIX, stillFailed } from './second-run.ts';
import { StateNames } from './state-names.ts';
import { catchAll, type TaskFactory, type TaskStep, taskChain } from './task-chain.ts';

/**
 * The pool's tasks, in order; each overwrites `$.pool`, so Finalize sees ExecutePool's result. The first run
 * plans before NetOrders and executes after the execution Map; the second run runs all three in a row.
 */
export const PoolSteps = [
  { task: 'AggregatePool', resultPath: '$.pool' },
  { task: 'PlanPool', resultPath: '$.pool' },
  { task: 'ExecutePool', resultPath: '$.pool' },
] as const satisfies readonly TaskStep[];

/**
 * The pool's first-run planning, then `next` (NetOrders): AggregatePool and PlanPool; a failed task goes to
 * PoolFailed, which records it and goes on too. ExecutePool runs after the execution Map
 * ({@link poolExecutionStates}).
 */
export const firstRunPool = (task: TaskFactory, next: string): StateGraph => {
  const [aggregate, plan] = PoolSteps;
  const chain = taskChain(task, {
    prefix: '',
    links: [aggregate, plan],
    parameters: RUN_REF,
    catch: catchAll('$.pool', StateNames.PoolFailed),
    comments: { AggregatePool: 'Merge the aggregated strategies’ targets into the pool’s.' },
    next,
  });
  return {
    StartAt: chain.StartAt,
    States: {
      ...chain.States,
      [StateNames.PoolFailed]: poolFailed(next),
    },
  };
};

/** Records a caught pool error at `$.pool` as `{ outcome: FAILED, error }` and goes on to `next`. */
const poolFailed = (next: string): PassState => ({
  Type: 'Pass',
  Comment: 'A pool step failed: record its error and carry on to Finalize.',
  Parameters: { outcome: 'FAILED', 'error.$': '$.pool' },
  ResultPath: '$.pool',
  Next: next,
});

/**
 * The pool's sells, after the per-book sells (the `Sells` Map) and before any buy: `PoolToSell` sends a pool
 * with a sell left after netting (NetOrders' `poolSells`) to ExecutePoolSells (ExecutePool's task, `phase: sells`); its result and any failure are
 * dropped (ExecutePool after the execution Map adopts the sells, or runs them again and records the failure).
 */
export const poolSellsStates = (task: TaskFactory, next: string): StateGraph => ({
  StartAt: StateNames.PoolToSell,
  States: {
    [StateNames.PoolToSell]: {
      Type: 'Choice',
      Comment:
        'The pool has a sell left after netting (NetOrders says so): place its sells now; otherwise go on.',
      Choices: [{ Variable: '$.netting.poolSells', BooleanEquals: true, Next: EXECUTE_POOL_SELLS }],
      Default: next,
    },
    [EXECUTE_POOL_SELLS]: task('ExecutePool', {
      Comment: 'Place the pool plan’s sells (less what NetOrders crossed); its buys come after the Map.',
      Parameters: { ...RUN_REF, phase: 'sells' },
      ResultPath: null,
      Catch: catchAll(null, next),
      Next: next,
    }),
  },
});

/** The Task state placing the pool's sells (ExecutePool's task, `phase: sells`). */
export const EXECUTE_POOL_SELLS = 'ExecutePoolSells';

/**
 * The pool's first-run execution, after the execution Map: `PoolToExecute` sends a pool that planned
 * (PlanPool's output, with its `action`, is at `$.pool`) to ExecutePool; no pool (`{}`) or a failed one goes
 * on to `next`. A failed ExecutePool is recorded like a failed planning step.
 */
export const poolExecutionStates = (task: TaskFactory, next: string): StateGraph => {
  const [, , execute] = PoolSteps;
  const chain = taskChain(task, {
    prefix: '',
    links: [execute],
    parameters: RUN_REF,
    catch: catchAll('$.pool', StateNames.PoolExecutionFailed),
    comments: {
      ExecutePool: 'Place the pool plan’s orders (less what NetOrders crossed) and record the fills.',
    },
    next,
  });
  return {
    StartAt: StateNames.PoolToExecute,
    States: {
      [StateNames.PoolToExecute]: {
        Type: 'Choice',
        Comment: 'The pool planned (PlanPool’s output is at $.pool): execute it; otherwise go on.',
        Choices: [{ Variable: '$.pool.action', IsPresent: true, Next: chain.StartAt }],
        Default: next,
      },
      ...chain.States,
      [StateNames.PoolExecutionFailed]: poolFailed(next),
    },
  };
};

/** `RetryPool`: the second run of a FAILED pool, then `next`; a failure, or an outcome still FAILED, fails. */
export const retryPoolState = (task: TaskFactory, next: string): ParallelState => {
  const chain = taskChain(task, {
    prefix: RETRY_PREFIX,
    links: PoolSteps,
    parameters: RUN_REF,
    next: StateNames.RetriedPoolOutcome,
  });
  return {
    Type: 'Parallel',
    Comment:
      'Second run of a FAILED pool, without a Catch. A one-branch Parallel, so that a redrive re-runs the branch (a redrive re-enters a failed state: a run-level Fail state would only fail again).',
    Branches: [
      {
        StartAt: chain.StartAt,
        States: {
          ...chain.States,
          [StateNames.RetriedPoolOutcome]: stillFailed(
            '$.pool.outcome',
            StateNames.PoolFailedAgain,
            StateNames.PoolRetried,
          ),
          [StateNames.PoolFailedAgain]: failedAgain('PoolFailed', 'pool'),
          [StateNames.PoolRetried]: { Type: 'Succeed' },
        },
      },
    ],
    OutputPath: '$[0]',
    Next: next,
  };
};
