/**
 * Evaluate: one strategy on the run's snapshot → its target weights, recorded once as the run's Signal.
 * A strategy reading a stale or missing symbol is BLOCKED (MissingDataError) before it is evaluated; a
 * strategy the evaluator cannot run throws its typed error (the branch Catch records the outcome).
 * Idempotent: a recorded signal is returned as is, so a retry or redrive never evaluates twice.
 */
import { createStrategyEvaluator, MissingDataError } from '@ensemble/core';
import type { SignalLedger } from '@ensemble/ledger';
import type { BranchInput, EvaluateOutput } from '@ensemble/workflow/contract';
import { Decimal } from 'decimal.js';
import { RecordConflictError } from '../errors.ts';
import { assertSymbolsFit } from '../market-snapshot.ts';
import type { StepDeps } from '../step-deps.ts';
import { isDisabledNow, strategyOf } from '../strategies.ts';
import { task } from '../task.ts';

/** The ledger roles Evaluate uses. */
type Ledger = SignalLedger;

/** Key of a strategy's evaluation trace in the snapshot store. */
export const traceKey = (runId: string, strategyId: string): string => `traces/${runId}/${strategyId}.json`;

/** Key of a strategy's evaluation trace on paper (shadow mode), next to the run's own. */
export const shadowTraceKey = (runId: string, strategyId: string): string =>
  `traces/${runId}/shadow/${strategyId}.json`;

/** Evaluate; `traceRef` is where the trace goes (shadow mode keeps its own, {@link shadowTraceKey}). */
export const evaluate = async (
  deps: StepDeps<Ledger>,
  input: BranchInput,
  traceRef: string = traceKey(input.runId, input.strategyId),
): Promise<EvaluateOutput> => {
  const { ledger, snapshots } = deps.ports;
  const recorded = await ledger.getSignal(input.runId, input.strategyId);
  if (recorded) return { targets: countTargets(recorded.weights) };
  if (isDisabledNow(deps.config, input.strategyId)) {
    // Disabled since its run started (a redrive, a reopened day): no signal; Execute records it BLOCKED.
    deps.observe.logger.warn('strategy disabled since the run started: not evaluated', input);
    return { targets: 0 };
  }

  const strategy = strategyOf(deps.config, input.strategyId);
  const snapshot = await deps.readSnapshot(input.snapshotRef);
  assertSymbolsFit(snapshot, strategy.requirements.symbols);
  const result = createStrategyEvaluator(strategy.strategy, snapshot.history).evaluate(input.tradingDay, {
    trace: true,
  });
  if (result.session !== input.tradingDay) {
    throw new MissingDataError('*', input.tradingDay, `the snapshot's last session is ${result.session}`);
  }
  await snapshots.put(traceRef, { strategy: result.strategy, session: result.session, trace: result.trace });
  const r = await ledger.recordSignal({
    runId: input.runId,
    tradingDay: input.tradingDay,
    strategyId: input.strategyId,
    weights: { ...result.weights },
    traceRef,
  });
  if (r.status === 'conflict') throw new RecordConflictError('signal', `${input.runId}/${input.strategyId}`);
  return { targets: countTargets(result.weights) };
};

/** Number of symbols with a positive weight. */
export const countTargets = (weights: Readonly<Record<string, string>>): number =>
  Object.values(weights).filter((w) => new Decimal(w).gt(0)).length;

/** The `Evaluate` task. */
export const evaluateTask = task('Evaluate', evaluate);
