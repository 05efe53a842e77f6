/**
 * The alarms, as data: what is watched and when it fires. `alarms.ts` turns each into a CloudWatch alarm
 * that notifies the stage's SNS topic. Execution-level alarms use Step Functions' own metrics. Handler-level
 * ones count the `task done` line every handler logs with its output (packages/functions handlers/wrap.ts)
 * through a CloudWatch Logs metric filter on the functions' log groups: the metric lives in a per-stage
 * namespace, so two stages in one account never trip each other's alarms.
 */
import type { TaskName } from '../packages/workflow/src/contract.ts';

/** Namespace of the log-derived metrics of a stage. */
export const metricNamespace = (stage: string): string => `Ensemble/${stage}`;

/** A CloudWatch Logs JSON filter on the handlers' `task done` line (fields of the task's output). */
const taskDone = (condition: string): string => `{ $.message = "task done" && ${condition} }`;

/** Where an alarm's metric comes from. */
export type AlarmSource =
  | {
      readonly kind: 'state-machine';
      readonly metric: 'ExecutionsFailed' | 'ExecutionsTimedOut' | 'ExecutionsAborted';
    }
  | {
      readonly kind: 'log';
      /** Functions whose log groups are filtered. */
      readonly functions: readonly TaskName[];
      /** The output field the pattern reads (checked against the task contract in test/infra). */
      readonly field: string;
      readonly pattern: string;
    }
  | { readonly kind: 'starter-errors' };

/** One alarm: fires when the metric's sum over one period reaches `threshold`. */
export interface AlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly source: AlarmSource;
  readonly threshold: number;
  readonly periodSeconds: number;
}

const PERIOD = 300;
const BRANCH_ENDS: readonly TaskName[] = ['Execute', 'ExecutePool', 'RecordBranchFailure'];

/** Every alarm of a stage. Missing data (no run today) is never an alarm. */
export const ALARMS: readonly AlarmSpec[] = [
  {
    id: 'ExecutionFailed',
    description: 'A workflow execution failed (fix the cause, then redrive it: docs/deploy.md).',
    source: { kind: 'state-machine', metric: 'ExecutionsFailed' },
    threshold: 1,
    periodSeconds: PERIOD,
  },
  {
    id: 'ExecutionTimedOut',
    description: 'A workflow execution timed out.',
    source: { kind: 'state-machine', metric: 'ExecutionsTimedOut' },
    threshold: 1,
    periodSeconds: PERIOD,
  },
  {
    id: 'ExecutionAborted',
    description: 'A workflow execution was aborted.',
    source: { kind: 'state-machine', metric: 'ExecutionsAborted' },
    threshold: 1,
    periodSeconds: PERIOD,
  },
  {
    id: 'BranchFailed',
    description: 'A strategy branch or the pool ended FAILED.',
    source: {
      kind: 'log',
      functions: BRANCH_ENDS,
      field: 'outcome',
      pattern: taskDone('$.output.outcome = "FAILED"'),
    },
    threshold: 1,
    periodSeconds: PERIOD,
  },
  {
    id: 'BranchBlocked',
    description: 'A strategy branch or the pool ended BLOCKED (a rail stopped it).',
    source: {
      kind: 'log',
      functions: BRANCH_ENDS,
      field: 'outcome',
      pattern: taskDone('$.output.outcome = "BLOCKED"'),
    },
    threshold: 1,
    periodSeconds: PERIOD,
  },
  {
    id: 'KillSwitchOn',
    description: 'Execution found the kill switch on: nothing traded.',
    source: {
      kind: 'log',
      functions: ['Execute', 'ExecutePool'],
      field: 'rail',
      pattern: taskDone('$.output.rail = "kill-switch"'),
    },
    threshold: 1,
    periodSeconds: PERIOD,
  },
  {
    id: 'ReconciliationDifference',
    description: 'Ledger and broker positions differ after a run.',
    source: {
      kind: 'log',
      functions: ['Finalize'],
      field: 'reconciliation.differences',
      pattern: taskDone('$.output.reconciliation.differences > 0'),
    },
    threshold: 1,
    periodSeconds: PERIOD,
  },
  {
    id: 'StarterFailed',
    description: 'The scheduled starter could not start the day’s execution.',
    source: { kind: 'starter-errors' },
    threshold: 1,
    periodSeconds: PERIOD,
  },
];
