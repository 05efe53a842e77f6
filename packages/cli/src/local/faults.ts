/**
 * `--fault <step>:<strategy>:<point>`: a crash injected for demonstrations and tests. During `ensemble run`
 * it fires at every matching call — a persistent fault, so the branch fails in its first run and in its
 * second (`RetryFailedBranches`), and the execution fails as it would in AWS; `ensemble redrive` then runs
 * without it, as a redrive after the cause is fixed.
 */

import { type FaultInjector, kebab } from '@ensemble/app';
import type { LoadedConfig } from '@ensemble/config';
import { SimulatedCrash } from '@ensemble/core';
import { FaultPoints } from '@ensemble/execution';
import { TaskNames } from '@ensemble/workflow';
import { UsageError } from '../io.ts';

/** A parsed fault spec (step lower-case; strategy `*` for any; `run` for run-level steps). */
export interface FaultSpec {
  readonly step: string;
  readonly strategyId: string;
  readonly point: string;
}

/** Parses `<step>:<strategy>:<point>`; null when it is not of that shape. */
export function parseFault(spec: string): FaultSpec | null {
  const parts = spec.split(':');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) return null;
  const [step, strategyId, point] = parts as [string, string, string];
  return { step: step.toLowerCase(), strategyId, point };
}

/** Steps that run once per strategy (their scope is a strategy id); the others run once per run. */
const BRANCH_STEPS = new Set(['evaluate', 'plan-rebalance', 'execute', 'record-branch-failure']);
/** Steps that pass on the execution's points too. */
const EXECUTING_STEPS = new Set(['execute', 'execute-pool']);

/**
 * Throws a {@link UsageError} naming what is wrong with `spec` (a typo would otherwise run a clean day):
 * the step must be a task (`execute`, `prepare-run`…), the point one the step reaches (`start`, `end`, and
 * for `execute`/`execute-pool` every point of the execution, plus `after-fill`), and the scope `*`, an
 * enabled strategy (steps per strategy), or `run` (`pool` too for `execute-pool`).
 */
export function checkFault(spec: string, config: LoadedConfig): FaultSpec {
  const parsed = parseFault(spec);
  if (!parsed) throw new UsageError('--fault must be <step>:<strategy>:<point>');
  const steps = TaskNames.map(kebab);
  if (!steps.includes(parsed.step))
    throw new UsageError(`--fault: unknown step '${parsed.step}' (one of ${steps.join(', ')})`);
  const points = [
    'start',
    'end',
    ...(EXECUTING_STEPS.has(parsed.step) ? [...FaultPoints, 'after-fill'] : []),
  ];
  if (!points.includes(parsed.point))
    throw new UsageError(
      `--fault: ${parsed.step} has no point '${parsed.point}' (one of ${points.join(', ')})`,
    );
  const scopes = BRANCH_STEPS.has(parsed.step)
    ? config.strategies.filter((s) => s.enabled).map((s) => s.id)
    : parsed.step === 'execute-pool'
      ? ['run', 'pool']
      : ['run'];
  if (parsed.strategyId !== '*' && !scopes.includes(parsed.strategyId))
    throw new UsageError(
      `--fault: ${parsed.step} runs for ${BRANCH_STEPS.has(parsed.step) ? 'an enabled strategy' : 'the run'}, not '${parsed.strategyId}' (one of *, ${scopes.join(', ')})`,
    );
  return parsed;
}

/** A fault injector that throws {@link SimulatedCrash} at every call matching `spec`; counts the crashes. */
export function faultAlways(spec: FaultSpec): FaultInjector & { fired(): number } {
  let fired = 0;
  const inject = ((at: { step: string; strategyId: string; point: string }) => {
    if (at.step.toLowerCase() !== spec.step) return;
    if (spec.strategyId !== '*' && at.strategyId !== spec.strategyId) return;
    if (at.point !== spec.point) return;
    fired += 1;
    throw new SimulatedCrash(spec.point as never, {});
  }) as FaultInjector & { fired(): number };
  inject.fired = () => fired;
  return inject;
}
