/**
 * Figures read from an event log: state transitions (what Step Functions bills, and the ≤ 7 per strategy
 * target) and the largest state payload (Step Functions refuses any above 256 KiB).
 */
import type { TransitionCount, WorkflowEvent } from './events.ts';

/** Step Functions' limit on any state's input or output, in bytes. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/**
 * Counts the transitions of one attempt (`redrive`: 0 = the execution, n = its n-th redrive; default the
 * latest in the log): every state entered plus every retry, split into run-level and per Map iteration.
 */
export const countTransitions = (events: readonly WorkflowEvent[], redrive?: number): TransitionCount => {
  const attempt = redrive ?? events.reduce((n, e) => Math.max(n, e.redrive), 0);
  let runLevel = 0;
  const perIteration = new Map<number, number>();
  for (const e of events) {
    if (e.redrive !== attempt) continue;
    if (e.type === 'MapIterationStarted' && !perIteration.has(e.iteration)) perIteration.set(e.iteration, 0);
    if (e.type !== 'StateEntered' && e.type !== 'StateRetried') continue;
    if (e.iteration === undefined) runLevel += 1;
    else perIteration.set(e.iteration, (perIteration.get(e.iteration) ?? 0) + 1);
  }
  const inIterations = [...perIteration.values()].reduce((a, b) => a + b, 0);
  const total = runLevel + inIterations;
  const iterations = perIteration.size;
  return {
    total,
    runLevel,
    iterations,
    maxPerIteration: Math.max(0, ...perIteration.values()),
    perStrategy: iterations === 0 ? total : Math.round((total / iterations) * 100) / 100,
  };
};

/** The largest payload in a log, and where it was. */
export interface LargestPayload {
  /** UTF-8 bytes of its JSON. */
  readonly bytes: number;
  readonly event: WorkflowEvent['type'];
  readonly state: string;
  readonly field: 'input' | 'output';
}

/** UTF-8 size of a value's JSON text. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');

/**
 * The largest state or task payload in the log: every state input and output, every task's effective input
 * and result, every Map iteration's input and output, the execution's input and output.
 */
export const largestPayload = (events: readonly WorkflowEvent[]): LargestPayload => {
  let best: LargestPayload = { bytes: 0, event: 'ExecutionStarted', state: '', field: 'input' };
  const consider = (
    value: unknown,
    event: WorkflowEvent['type'],
    state: string,
    field: 'input' | 'output',
  ) => {
    const bytes = jsonBytes(value);
    if (bytes > best.bytes) best = { bytes, event, state, field };
  };
  for (const e of events) {
    const state = 'state' in e ? e.state : '';
    if ('input' in e) consider(e.input, e.type, state, 'input');
    if ('output' in e) consider(e.output, e.type, state, 'output');
  }
  return best;
};
