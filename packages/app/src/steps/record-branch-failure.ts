/**
 * RecordBranchFailure: the Catch inside each Map iteration lands here with the error Step Functions caught
 * (`Error` = the error's name, `Cause` = its message, or Lambda's JSON with `errorMessage`). The error name
 * decides FAILED or BLOCKED; the strategy's outcome is recorded once (a repeat is a no-op).
 */
import { outcomeOfError } from '@ensemble/core';
import type { RunLedger } from '@ensemble/ledger';
import type { RecordBranchFailureInput, RecordBranchFailureOutput } from '@ensemble/workflow/contract';
import type { StepDeps } from '../step-deps.ts';
import { task } from '../task.ts';

/** The ledger roles RecordBranchFailure uses. */
type Ledger = RunLedger;

export const recordBranchFailure = async (
  deps: StepDeps<Ledger>,
  input: RecordBranchFailureInput,
): Promise<RecordBranchFailureOutput> => {
  const { ledger, clock } = deps.ports;
  const { logger } = deps.observe;
  const error = { name: input.error.Error, message: causeMessage(input.error.Cause) };
  const outcome = outcomeOfError(error.name);
  const at = clock.now().toISOString();
  const r = await ledger.recordStrategyRun({
    runId: input.runId,
    tradingDay: input.tradingDay,
    strategyId: input.strategyId,
    flow: input.flow,
    outcome,
    error,
    startedAt: at,
    finishedAt: at,
  });
  if (r.status === 'conflict') {
    // The branch already has an outcome (recorded by a step that then failed): history is not rewritten.
    logger.warn('branch outcome already recorded', { recorded: r.current.outcome, caught: error.name });
  }
  return { outcome, error };
};

/** The human message inside a Catch `Cause`: Lambda's `{"errorMessage": …}` JSON, or the text itself. */
export const causeMessage = (cause: string | undefined): string => {
  if (cause === undefined || cause === '') return '';
  try {
    const parsed = JSON.parse(cause) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed) {
      return String((parsed as { errorMessage: unknown }).errorMessage);
    }
  } catch {
    // Not JSON: the cause is the message itself.
  }
  return cause;
};

/** The `RecordBranchFailure` task. */
export const recordBranchFailureTask = task('RecordBranchFailure', recordBranchFailure);
