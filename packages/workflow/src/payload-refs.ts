/**
 * The references states pass to tasks (ids only, never data): the run's, read from PrepareRun's output or
 * from an iteration's state, and a branch's. Each field is stated once; where it is read from is the argument.
 */
import type { PayloadTemplate } from './asl.ts';

/** The run's `runId`, `tradingDay`, `stage` and `snapshotRef`, read from the object at the JSONPath `root`. */
export const runRef = (root: string): PayloadTemplate => ({
  'runId.$': `${root}.runId`,
  'tradingDay.$': `${root}.tradingDay`,
  'stage.$': `${root}.stage`,
  'snapshotRef.$': `${root}.snapshotRef`,
});

/** A branch's `strategyId` and `flow`, read from the object at the JSONPath `root`. */
export const branchId = (root: string): PayloadTemplate => ({
  'strategyId.$': `${root}.strategyId`,
  'flow.$': `${root}.flow`,
});

/** What run-level tasks get: the run, from PrepareRun's output. */
export const RUN_REF: PayloadTemplate = runRef('$.prepare');

/** What branch tasks get: the run and the branch, from the iteration's state. */
export const BRANCH_REF: PayloadTemplate = { ...runRef('$'), ...branchId('$') };

/** A Map iteration's state: the run, from PrepareRun's output, and the branch, from the Map's item. */
export const ITERATION_REF: PayloadTemplate = { ...RUN_REF, ...branchId('$$.Map.Item.Value') };
