/**
 * One strategy's branch: the states of a Map iteration on the first run (with the Catch that keeps one
 * failure from the others) and on the second (without it), and the Map around either. Between an
 * iteration's states, `$` is the item (run references, `strategyId`, `flow`) plus each task's result.
 */
import type { MapState, PassState, PayloadTemplate, StateGraph } from './asl.ts';
import { BRANCH_REF, branchId, ITERATION_REF } from './payload-refs.ts';
import { failedAgain, RETRY_PREFIX, stillFailed } from './second-run.ts';
import { StateNames } from './state-names.ts';
import { catchAll, type TaskFactory, type TaskStep, taskChain } from './task-chain.ts';

/** A per-book branch's tasks, in order; the first run routes aggregated strategies out after Evaluate. */
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

/** An iteration of the first run: a failed task is caught, recorded, and ends the iteration as FAILED. */
export const firstRunIteration = (task: TaskFactory): StateGraph => {
  const [evaluate, planRebalance, execute] = BranchSteps;
  const chain = taskChain(task, {
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
  return {
    StartAt: chain.StartAt,
    States: {
      ...chain.States,
      [StateNames.BranchResult]: result({ 'outcome.$': '$.execute.outcome' }),
      [StateNames.PoolMemberResult]: result({ outcome: 'SKIPPED' }),
      RecordBranchFailure: task('RecordBranchFailure', {
        Comment: 'Record the branch as FAILED (or BLOCKED) with the caught error; the other branches go on.',
        Parameters: { ...BRANCH_REF, 'error.$': '$.error' },
        ResultPath: '$.failure',
        Next: StateNames.BranchFailed,
      }),
      [StateNames.BranchFailed]: result({ 'outcome.$': '$.failure.outcome', 'error.$': '$.failure.error' }),
    },
  };
};

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

/** Where a {@link branchMap} reads its items and writes its results, and what follows it. */
export interface BranchMapFields {
  Comment: string;
  ItemsPath: string;
  ResultPath: string;
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
  ItemSelector: ITERATION_REF,
  MaxConcurrency: maxConcurrency,
  ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...iteration },
  ResultPath: fields.ResultPath,
  Next: fields.Next,
});
