/**
 * Retry, catch and timeout policy of every task, in one place: the definition applies it, the docs describe
 * it, the tests check it. Error names come from core's catalog, so a renamed error cannot silently stop
 * matching its `ErrorEquals`.
 */
import { RetryableErrorNames } from '@ensemble/core';
import type { Retrier } from './asl.ts';
import type { TaskName } from './contract.ts';

/** Transient Lambda service errors, retried as AWS recommends for every Lambda task. */
export const LambdaTransientErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
] as const;

/** AWS's recommended Lambda retrier: 2 s, then 4, 8, 16, 32, 64 s (6 attempts). */
export const lambdaRetrier: Retrier = {
  ErrorEquals: [...LambdaTransientErrors],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
};

/**
 * Our retryable domain errors (`BrokerUnavailable`, `RateLimited`, `SymbolBusy`, and whatever else core
 * lists as retryable): full jitter so branches hitting the same broker do not retry in lockstep.
 */
export const domainRetrier: Retrier = {
  ErrorEquals: [...RetryableErrorNames],
  IntervalSeconds: 2,
  MaxAttempts: 5,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

/** One more try after a task timed out, for tasks whose repeat cannot overlap a still-running broker call. */
export const timeoutRetrier: Retrier = {
  ErrorEquals: ['States.Timeout'],
  IntervalSeconds: 5,
  MaxAttempts: 1,
  BackoffRate: 2,
};

/**
 * Tasks whose timeout is retried. Not `Execute`/`ExecutePool`: the timed-out invocation may still be placing
 * orders, so a second one would race it; the branch Catch records the failure instead and a redrive re-runs
 * the step once the first invocation is surely over (client order ids make that safe).
 */
export const RetriesTimeout: Readonly<Record<TaskName, boolean>> = {
  PrepareRun: true,
  Evaluate: true,
  PlanRebalance: true,
  Execute: false,
  RecordBranchFailure: true,
  AggregatePool: true,
  PlanPool: true,
  // Netting is decided once and applied transfer by transfer, each once by id: a second invocation is safe.
  NetOrders: true,
  ExecutePool: false,
  PrepareShadows: true,
  // Like Execute: a timed-out invocation may still be placing paper orders (the Catch records it FAILED).
  Shadow: false,
  Finalize: true,
};

/**
 * `TimeoutSeconds` of each task: the function's own timeout (stacks/manifest.ts) plus 10 s, so a function
 * that runs out of time reports its own error first; `States.Timeout` then only means a lost invocation.
 */
export const DefaultTimeouts: Readonly<Record<TaskName, number>> = {
  PrepareRun: 130,
  Evaluate: 70,
  PlanRebalance: 40,
  Execute: 310,
  RecordBranchFailure: 40,
  AggregatePool: 70,
  PlanPool: 40,
  NetOrders: 40,
  ExecutePool: 310,
  PrepareShadows: 70,
  Shadow: 130,
  Finalize: 130,
};

/** The `Retry` list of a task: Lambda transients, our retryable domain errors, then (where safe) timeouts. */
export const retryPolicy = (task: TaskName): Retrier[] => {
  const retriers = [lambdaRetrier, domainRetrier, ...(RetriesTimeout[task] ? [timeoutRetrier] : [])];
  return retriers.map((r) => ({ ...r, ErrorEquals: [...r.ErrorEquals] }));
};

/** What the Catch inside a Map iteration matches: everything, so one strategy never fails the others. */
export const BranchCatchErrors = ['States.ALL'] as const;

/** The most iterations the Map runs at once (inline Map: Step Functions runs at most 40 in parallel). */
export const MAX_CONCURRENCY_LIMIT = 40;
/** Default Map concurrency. */
export const DEFAULT_MAX_CONCURRENCY = 10;
/** Default limit on a whole execution (a trading day must not run into the next one). */
export const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 3600;
