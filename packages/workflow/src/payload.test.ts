import { describe, expect, it } from 'vitest';
import { buildDefinition, localArns } from './definition.ts';
import { runLocal } from './local-runner.ts';
import { fakeHandlers, syntheticStrategies } from './testing/index.ts';
import { jsonBytes, largestPayload, PAYLOAD_LIMIT_BYTES } from './transitions.ts';

const definition = buildDefinition({ functionArns: localArns(), maxConcurrency: 40 });

const day = async (count: number) => {
  const fake = fakeHandlers({ strategies: syntheticStrategies(count, 5) });
  const r = await runLocal({ definition, handlers: fake.handlers, input: {}, executionName: `n-${count}` });
  expect(r.status).toBe('SUCCEEDED');
  return r;
};

describe('payload size and transitions', () => {
  it('measures every state input and output in the log', () => {
    // Arrange: a log with one big state output.
    const big = { items: 'x'.repeat(5000) };
    const events = [
      { type: 'StateEntered', seq: 0, at: 0, redrive: 0, state: 'A', stateType: 'Pass', input: {} },
      { type: 'StateExited', seq: 1, at: 0, redrive: 0, state: 'A', stateType: 'Pass', output: big },
    ] as const;
    // Act / Assert
    expect(largestPayload([...events])).toEqual({
      bytes: jsonBytes(big),
      event: 'StateExited',
      state: 'A',
      field: 'output',
    });
  });

  it('stays far below 256 KiB for 10 strategies, with ≤ 7 transitions per strategy', async () => {
    const r = await day(10);
    const largest = largestPayload(r.events);
    expect(largest.bytes).toBeLessThan(4 * 1024);
    expect(r.transitions.perStrategy).toBeLessThanOrEqual(7);
  });

  it('stays far below 256 KiB for 1,000 synthetic strategies, with ≤ 7 transitions per strategy', async () => {
    const r = await day(1000);
    const largest = largestPayload(r.events);
    expect(largest.bytes).toBeGreaterThan(10 * 1024); // the measurement sees the branch list
    // The planning Map's 1,000 results and the execution Map's 800 (every per-book branch): under half the limit.
    expect(largest.bytes).toBeLessThan(PAYLOAD_LIMIT_BYTES / 2);
    expect(r.transitions).toMatchObject({ iterations: 1000, maxPerIteration: 5 });
    expect(r.transitions.perStrategy).toBeLessThanOrEqual(7);
  });
});
