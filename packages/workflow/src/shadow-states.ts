/**
 * Shadow mode's states (docs/shadow.md), between the pool and Finalize: every production branch and the pool
 * have traded before any of them starts, and none of them can fail the execution — each task's Catch carries
 * on. `AnyShadows` skips them when nothing is shadowed (one Choice: the whole cost of shadow mode on such a
 * day). Otherwise `PrepareShadows` funds and flips the paper books in the ledger's shadow scope, and the
 * `Shadows` Map runs one `Shadow` task per paper book (a shadowed strategy's own book, or the paper pool):
 * one state per paper book, plus `ShadowFailed` when its task failed. Their state lives at
 * `$.prepare.shadows` (contract `ShadowsState`), which Finalize reads.
 */
import type { AslState, MapState, StateGraph } from './asl.ts';
import { RUN_REF, runRef } from './payload-refs.ts';
import { StateNames } from './state-names.ts';
import { catchAll, type TaskFactory } from './task-chain.ts';

/** Where the shadow states read and write in the state document. */
const SHADOWS = '$.prepare.shadows';

/** One Shadows iteration: the Shadow task (its output is the iteration's result), or ShadowFailed. */
export const shadowIteration = (task: TaskFactory): StateGraph => ({
  StartAt: 'Shadow',
  States: {
    Shadow: task('Shadow', {
      Comment:
        'Evaluate, plan and execute one paper book on the paper broker (no trading port), and value it.',
      Parameters: { ...runRef('$'), 'bookId.$': '$.bookId' },
      // No ResultPath: the task's output replaces the state, so it is the iteration's result.
      Catch: catchAll('$.error', StateNames.ShadowFailed),
      End: true,
    }),
    [StateNames.ShadowFailed]: {
      Type: 'Pass',
      Comment: 'The paper book failed (or timed out): record it in the result; nothing else waits on it.',
      Parameters: { 'bookId.$': '$.bookId', outcome: 'FAILED', 'error.$': '$.error' },
      End: true,
    },
  },
});

/** The run-level shadow states: `AnyShadows`, `PrepareShadows` and the `Shadows` Map, then `next`. */
export const shadowStates = (
  task: TaskFactory,
  maxConcurrency: number,
  next: string,
): Record<string, AslState> => {
  const map: MapState = {
    Type: 'Map',
    Comment: 'One iteration per paper book; a failure is caught inside the iteration.',
    ItemsPath: `${SHADOWS}.items`,
    ItemSelector: { ...RUN_REF, 'bookId.$': '$$.Map.Item.Value.bookId' },
    MaxConcurrency: maxConcurrency,
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...shadowIteration(task) },
    ResultPath: `${SHADOWS}.items`,
    Next: next,
  };
  return {
    [StateNames.AnyShadows]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.prepare.hasShadows', BooleanEquals: true, Next: 'PrepareShadows' }],
      Default: next,
    },
    PrepareShadows: task('PrepareShadows', {
      Comment: 'Fund new paper books, flip those whose shadow flow changed, list the paper books to trade.',
      Parameters: { ...RUN_REF, 'equity.$': `${SHADOWS}.equity` },
      ResultPath: SHADOWS,
      Catch: catchAll(`${SHADOWS}.error`, next),
      Next: StateNames.Shadows,
    }),
    [StateNames.Shadows]: map,
  };
};
