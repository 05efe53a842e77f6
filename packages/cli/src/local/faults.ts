/**
 * `--fault <step>:<strategy>:<point>`: a crash injected for demonstrations and tests. During `ensemble run`
 * it fires at every matching call — a persistent fault, so the branch fails in its first run and in its
 * second (`RetryFailedBranches`), and the execution fails as it would in AWS; `ensemble redrive` then runs
 * without it, as a redrive after the cause is fixed.
 */

import type { FaultInjector } from '@ensemble/app';
import { SimulatedCrash } from '@ensemble/core';

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
