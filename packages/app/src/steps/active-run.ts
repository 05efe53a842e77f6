/** The check every step that trades (or trades on paper) makes first: the run may still trade. */
import type { Run, RunLedger } from '@ensemble/ledger';
import { RunNotActiveError } from '../errors.ts';

/**
 * The run `runId`, if it may trade: RUNNING, or FAILED and being redriven (a new execution of a finished day
 * never gets here: PrepareRun skips). Throws {@link RunNotActiveError} otherwise.
 */
export const activeRun = async (ledger: Pick<RunLedger, 'getRun'>, runId: string): Promise<Run> => {
  const run = await ledger.getRun(runId);
  if (run?.status !== 'RUNNING' && run?.status !== 'FAILED')
    throw new RunNotActiveError(runId, run?.status ?? null);
  return run;
};
