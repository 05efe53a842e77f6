/**
 * What the second run of a branch and of the pool share: how their Task states are named, and the check at
 * their end, which fails when the outcome is still FAILED (Step Functions only redrives failed executions).
 */
import type { ChoiceState, FailState } from './asl.ts';

/** Put before a task's name to name its second-run state (`RetryEvaluate`, `RetryExecutePool`...). */
export const RETRY_PREFIX = 'Retry';

/** A Choice going to `failed` when the JSONPath `outcome` is still `FAILED`, else to `ok`. */
export const stillFailed = (outcome: string, failed: string, ok: string): ChoiceState => ({
  Type: 'Choice',
  Choices: [{ Variable: outcome, StringEquals: 'FAILED', Next: failed }],
  Default: ok,
});

/** Fails the execution with `error` after the `what` ended FAILED again, so that it can be redriven. */
export const failedAgain = (error: string, what: 'branch' | 'pool', comment?: string): FailState => ({
  Type: 'Fail',
  ...(comment === undefined ? {} : { Comment: comment }),
  Error: error,
  Cause: `the ${what} ended FAILED on its second run; fix the cause, then redrive the execution`,
});
