/**
 * The pool, which trades the aggregated strategies' merged targets: its first run at run level (a failure
 * is caught and carried on to Finalize) and its second run (without a Catch) inside a one-branch Parallel.
 * Every pool task reads the run's references and overwrites `$.pool`.
 */
import type { ParallelState, StateGraph } from './asl.ts';
import { RUN_REF } from './payload-refs.ts';
import { failedAgain, RETRY_PREFIX, stillFailed } from './second-run.ts';
import { StateNames } from './state-names.ts';
import { catchAll, type TaskFactory, type TaskStep, taskChain } from './task-chain.ts';

/** The pool's tasks, in order; each overwrites `$.pool`, so Finalize sees ExecutePool's result. */
export const PoolSteps = [
  { task: 'AggregatePool', resultPath: '$.pool' },
  { task: 'PlanPool', resultPath: '$.pool' },
  { task: 'ExecutePool', resultPath: '$.pool' },
] as const satisfies readonly TaskStep[];

/** The pool's first run, then `next`; a failed task goes to PoolFailed, which records it and goes on too. */
export const firstRunPool = (task: TaskFactory, next: string): StateGraph => {
  const chain = taskChain(task, {
    prefix: '',
    links: PoolSteps,
    parameters: RUN_REF,
    catch: catchAll('$.pool', StateNames.PoolFailed),
    comments: { AggregatePool: 'Merge the aggregated strategies’ targets into the pool’s.' },
    next,
  });
  return {
    StartAt: chain.StartAt,
    States: {
      ...chain.States,
      [StateNames.PoolFailed]: {
        Type: 'Pass',
        Comment: 'A pool step failed: record its error and carry on to Finalize.',
        Parameters: { outcome: 'FAILED', 'error.$': '$.pool' },
        ResultPath: '$.pool',
        Next: next,
      },
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
