import { BrokerUnavailableError, InsufficientBuyingPowerError } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { buildDefinition, localArns } from './definition.ts';
import { WorkflowConfigInvalidError } from './errors.ts';
import type { WorkflowEvent } from './events.ts';
import { type BranchInput, dayBranches, FinalizeInput, LocalExecution, PrepareRunOutput } from './index.ts';
import { runLocal } from './local-runner.ts';
import { branchOf, fakeHandlers, isSells, syntheticStrategies } from './testing/index.ts';

const definition = buildDefinition({ functionArns: localArns(), maxConcurrency: 4 });
const mixed = [
  { strategyId: 'alpha', flow: 'per-book' },
  { strategyId: 'beta', flow: 'aggregated' },
  { strategyId: 'gamma', flow: 'per-book' },
  { strategyId: 'delta', flow: 'aggregated' },
] as const;

const run = (
  handlers: ReturnType<typeof fakeHandlers>['handlers'],
  extra: Partial<Parameters<typeof runLocal>[0]> = {},
) =>
  runLocal({
    definition,
    handlers,
    input: { tradingDay: '2025-11-28' },
    executionName: 'day-1',
    retryDelayScale: 0,
    ...extra,
  });

const of = <T extends WorkflowEvent['type']>(events: readonly WorkflowEvent[], type: T) =>
  events.filter((e): e is Extract<WorkflowEvent, { type: T }> => e.type === type);

/** Finalize's input, its branches as Finalize reads them (the execution Map's results over the planning Map's). */
const finalizeInput = (calls: ReturnType<typeof fakeHandlers>['calls']) => {
  const input = FinalizeInput.parse(calls.find((c) => c.task === 'Finalize')?.input);
  return { ...input, branches: dayBranches({ branches: input.branches, executed: input.executed }) };
};

const strategyOf = (input: unknown) => (input as BranchInput).strategyId;

describe('runLocal', () => {
  it('runs per-book and aggregated strategies through the Map, the pool and Finalize', async () => {
    // Arrange
    const fake = fakeHandlers({ strategies: [...mixed] });
    // Act
    const r = await run(fake.handlers);
    // Assert
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({
      runId: 'run-2025-11-28',
      status: 'SUCCEEDED',
      reconciliation: { ok: true, differences: 0 },
      retryItems: [],
      retryBranches: 0,
      retryPool: false,
    });
    const called = (task: string) =>
      fake.calls.filter((c) => c.task === task && !isSells(c.input)).map((c) => strategyOf(c.input));
    expect(called('Evaluate').sort()).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(called('PlanRebalance').sort()).toEqual(['alpha', 'gamma']);
    expect(called('Execute').sort()).toEqual(['alpha', 'gamma']);
    // The pool's steps, its sells among them (ExecutePool, phase sells, before the per-book buys).
    expect(
      fake.calls
        .filter((c) => ['AggregatePool', 'PlanPool', 'ExecutePool'].includes(c.task))
        .map((c) => `${c.task}${isSells(c.input) ? ' sells' : ''}`),
    ).toEqual(['AggregatePool', 'PlanPool', 'ExecutePool sells', 'ExecutePool']);
    const fin = finalizeInput(fake.calls);
    expect(fin.branches).toEqual([
      { strategyId: 'alpha', flow: 'per-book', outcome: 'TRADED' },
      { strategyId: 'beta', flow: 'aggregated', outcome: 'SKIPPED' },
      { strategyId: 'gamma', flow: 'per-book', outcome: 'TRADED' },
      { strategyId: 'delta', flow: 'aggregated', outcome: 'SKIPPED' },
    ]);
    expect(fin.pool).toEqual({ outcome: 'TRADED', orders: 3, filled: 3 });
    expect(fin).toMatchObject({ runId: 'run-2025-11-28', tradingDay: '2025-11-28', stage: 'local' });
  });

  it('gives handlers the execution identity that $$.Execution carries', async () => {
    const fake = fakeHandlers({ strategies: [...mixed] });
    await run(fake.handlers);
    const prepare = fake.calls.find((c) => c.task === 'PrepareRun');
    expect(prepare?.input).toMatchObject({
      input: { tradingDay: '2025-11-28' },
      execution: { id: prepare?.ctx.executionId, name: 'day-1', startTime: expect.any(String) },
    });
    expect(prepare?.ctx.executionId).toMatch(/^arn:aws:states:.*:execution:.*:day-1$/);
    for (const c of fake.calls) {
      expect(c.ctx).toMatchObject({
        executionName: 'day-1',
        executionId: prepare?.ctx.executionId,
        task: c.task,
      });
    }
  });

  it('skips the pool steps when no strategy is aggregated', async () => {
    const fake = fakeHandlers({ strategies: syntheticStrategies(3) });
    const r = await run(fake.handlers);
    expect(r.status).toBe('SUCCEEDED');
    expect(fake.calls.map((c) => c.task)).not.toContain('AggregatePool');
    expect(finalizeInput(fake.calls).pool).toEqual({});
    expect(of(r.events, 'StateEntered').map((e) => e.state)).toContain('NoPool');
  });

  it('records a branch whose task throws FAILED while the others trade, then fails the execution when its second run fails too', async () => {
    // Arrange: gamma's Execute hits a terminal broker error (not retried), every time.
    const fake = fakeHandlers({
      strategies: [...mixed],
      override: {
        Execute: async (input) => {
          if (strategyOf(input) === 'gamma' && !isSells(input))
            throw new InsufficientBuyingPowerError('cid-1', 'needs 10 USD more');
          return { ...branchOf(input), outcome: 'TRADED', orders: 1, filled: 1 };
        },
      },
    });
    // Act
    const r = await run(fake.handlers);
    // Assert: the Catch recorded gamma FAILED; the others traded; the pool and Finalize ran.
    const branches = finalizeInput(fake.calls).branches;
    expect(branches.find((b) => b.strategyId === 'gamma')).toEqual({
      strategyId: 'gamma',
      flow: 'per-book',
      outcome: 'FAILED',
      error: {
        name: 'InsufficientBuyingPower',
        message: 'insufficient buying power for cid-1: needs 10 USD more',
      },
    });
    expect(branches.filter((b) => b.outcome === 'TRADED').map((b) => b.strategyId)).toEqual(['alpha']);
    const recorded = fake.calls.find((c) => c.task === 'RecordBranchFailure');
    expect(recorded?.input).toMatchObject({
      strategyId: 'gamma',
      error: { Error: 'InsufficientBuyingPower' },
    });
    const caught = of(r.events, 'StateCaught');
    expect(caught).toHaveLength(1);
    expect(caught[0]).toMatchObject({ state: 'Execute', next: 'RecordExecuteFailure', iteration: 1 });
    expect(fake.calls.filter((c) => c.task === 'ExecutePool' && !isSells(c.input))).toHaveLength(1);
    // Its second run (RetryFailedBranches, no Catch) failed the same way: the execution fails, redrivable.
    const executes = fake.calls
      .filter((c) => c.task === 'Execute' && !isSells(c.input))
      .map((c) => strategyOf(c.input));
    expect(executes.sort()).toEqual(['alpha', 'gamma', 'gamma']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toMatchObject({ Error: 'InsufficientBuyingPower' });
    // The second-run Map iterates over the failed branches alone: gamma is its only item.
    expect(
      of(r.events, 'MapIterationStarted').filter((e) => e.state === 'RetryFailedBranches'),
    ).toMatchObject([{ iteration: 0, input: { strategyId: 'gamma', flow: 'per-book' } }]);
    expect(of(r.events, 'MapIterationFailed')).toMatchObject([
      { state: 'RetryFailedBranches', iteration: 0 },
    ]);
    expect(fake.calls.filter((c) => c.task === 'Finalize')).toHaveLength(1);
  });

  it('gives a FAILED per-book branch a second run that can mend it, and finalizes again', async () => {
    // Arrange: gamma's Execute crashes once.
    let crashed = false;
    const fake = fakeHandlers({
      strategies: [...mixed],
      override: {
        Execute: async (input) => {
          if (strategyOf(input) === 'gamma' && !isSells(input) && !crashed) {
            crashed = true;
            throw Object.assign(new Error('lost'), { name: 'Crash' });
          }
          return { ...branchOf(input), outcome: 'TRADED', orders: 1, filled: 1 };
        },
      },
    });
    // Act
    const r = await run(fake.handlers);
    // Assert
    expect(r.status).toBe('SUCCEEDED');
    const finals = fake.calls
      .filter((c) => c.task === 'Finalize')
      .map((c) => FinalizeInput.parse(c.input))
      .map((f) => dayBranches(f));
    expect(finals.map((f) => f.find((b) => b.strategyId === 'gamma')?.outcome)).toEqual(['FAILED', 'TRADED']);
    expect(finals[1]?.map((b) => b.outcome)).toEqual(['TRADED', 'SKIPPED', 'TRADED', 'SKIPPED']);
    // Only gamma ran again; the others' results passed through; the pool did not run twice.
    const again = fake.calls.filter(
      (c) => ['Evaluate', 'PlanRebalance', 'Execute'].includes(c.task) && !isSells(c.input),
    );
    expect(again.filter((c) => strategyOf(c.input) === 'gamma').map((c) => c.task)).toEqual([
      'Evaluate',
      'PlanRebalance',
      'Execute',
      'Evaluate',
      'PlanRebalance',
      'Execute',
    ]);
    expect(fake.calls.filter((c) => c.task === 'ExecutePool' && !isSells(c.input))).toHaveLength(1);
    expect(r.output).toMatchObject({ status: 'SUCCEEDED', retryBranches: 0, retryPool: false });
  });

  it('retries BrokerUnavailable and then succeeds', async () => {
    // Arrange: alpha's Execute fails twice, then works.
    let failures = 0;
    const fake = fakeHandlers({
      strategies: [...mixed],
      override: {
        Execute: async (input) => {
          if (strategyOf(input) === 'alpha' && !isSells(input) && failures < 2) {
            failures += 1;
            throw new BrokerUnavailableError('submitOrder', 'HTTP 503', { status: 503 });
          }
          return { ...branchOf(input), outcome: 'TRADED', orders: 1, filled: 1 };
        },
      },
    });
    // Act
    const r = await run(fake.handlers);
    // Assert
    expect(r.status).toBe('SUCCEEDED');
    expect(finalizeInput(fake.calls).branches[0]).toEqual({
      strategyId: 'alpha',
      flow: 'per-book',
      outcome: 'TRADED',
    });
    const retried = of(r.events, 'StateRetried');
    expect(retried.map((e) => [e.state, e.iteration, e.attempt])).toEqual([
      ['Execute', 0, 1],
      ['Execute', 0, 2],
    ]);
    expect(retried[0]?.errorEquals).toContain('BrokerUnavailable');
    expect(of(r.events, 'TaskFailed').map((e) => e.error.Error)).toEqual([
      'BrokerUnavailable',
      'BrokerUnavailable',
    ]);
    expect(of(r.events, 'StateCaught')).toEqual([]);
  });

  it('scales retry waits with retryDelayScale and records a branch FAILED once retries run out', async () => {
    // Arrange: beta's Evaluate never recovers; waits are IntervalSeconds × 0.005 = 10 ms each.
    const fake = fakeHandlers({
      strategies: [...mixed],
      override: {
        Evaluate: async (input) => {
          if (strategyOf(input) === 'beta') throw new BrokerUnavailableError('getBars', 'timeout');
          return { targets: 1 };
        },
      },
    });
    // Act
    const started = Date.now();
    const r = await run(fake.handlers, { retryDelayScale: 0.005 });
    // Assert
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 10 - 5);
    expect(fake.calls.filter((c) => c.task === 'Evaluate' && strategyOf(c.input) === 'beta')).toHaveLength(6);
    expect(finalizeInput(fake.calls).branches[1]).toMatchObject({ strategyId: 'beta', outcome: 'FAILED' });
    expect(r.status).toBe('SUCCEEDED');
  });

  it('ends a SKIP run without the Map, with PrepareRun’s output', async () => {
    const fake = fakeHandlers({ strategies: [...mixed], action: 'SKIP' });
    const r = await run(fake.handlers);
    expect(r.status).toBe('SUCCEEDED');
    expect(PrepareRunOutput.parse(r.output)).toMatchObject({
      action: 'SKIP',
      reason: 'market closed',
      items: [],
    });
    expect(fake.calls.map((c) => c.task)).toEqual(['PrepareRun']);
    expect(of(r.events, 'StateEntered').map((e) => e.state)).toEqual(['PrepareRun', 'RunAction', 'Skipped']);
    expect(of(r.events, 'MapIterationStarted')).toEqual([]);
  });

  it('records a pool failure, still finalizes, and gives the pool a second run', async () => {
    // Arrange: ExecutePool fails once.
    let failures = 0;
    const fake = fakeHandlers({
      strategies: [...mixed],
      override: {
        ExecutePool: async (input) => {
          if (!isSells(input)) failures += 1;
          if (failures === 1 && !isSells(input)) throw Object.assign(new Error('lost'), { name: 'Crash' });
          return { outcome: 'TRADED', orders: 3, filled: 3 };
        },
      },
    });
    // Act
    const r = await run(fake.handlers);
    // Assert
    expect(r.status).toBe('SUCCEEDED');
    const finals = fake.calls.filter((c) => c.task === 'Finalize').map((c) => FinalizeInput.parse(c.input));
    expect(finals.map((f) => f.pool)).toEqual([
      { outcome: 'FAILED', error: { Error: 'Crash', Cause: 'lost' } },
      { outcome: 'TRADED', orders: 3, filled: 3 },
    ]);
    expect(
      fake.calls
        .filter((c) => !isSells(c.input))
        .map((c) => c.task)
        .filter((t) => t.endsWith('Pool')),
    ).toEqual(['AggregatePool', 'PlanPool', 'ExecutePool', 'AggregatePool', 'PlanPool', 'ExecutePool']);
    // No branch failed: the branches' second-run Map ran over no item.
    expect(of(r.events, 'MapIterationStarted').filter((e) => e.state === 'RetryFailedBranches')).toEqual([]);
  });

  it('fails the execution when an iteration fails outright, and starts no handler after it returns', async () => {
    // Arrange: s0001's branch fails and RecordBranchFailure itself crashes; 8 strategies, 2 at a time.
    const fake = fakeHandlers({
      strategies: syntheticStrategies(8),
      override: {
        Evaluate: async (input) => {
          if (strategyOf(input) === 's0001') throw new Error('boom');
          return { targets: 1 };
        },
        RecordBranchFailure: async () => {
          throw Object.assign(new Error('ledger unreachable'), { name: 'Crash' });
        },
      },
    });
    const d = buildDefinition({ functionArns: localArns(), maxConcurrency: 2 });
    // Act
    const r = await run(fake.handlers, { definition: d });
    const callsAtReturn = fake.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Assert
    expect(r.status).toBe('FAILED');
    expect(r.error).toEqual({ Error: 'Crash', Cause: 'ledger unreachable' });
    expect(of(r.events, 'MapIterationFailed').map((e) => e.iteration)).toEqual([1]);
    expect(fake.calls.map((c) => c.task)).not.toContain('Finalize');
    expect(fake.calls.length).toBe(callsAtReturn);
    expect(r.events.at(-1)).toMatchObject({ type: 'ExecutionFailed' });
  });

  it('aborts on the signal: status ABORTED, handlers told, nothing runs afterwards', async () => {
    // Arrange: Execute blocks until its signal aborts.
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    const fake = fakeHandlers({
      strategies: syntheticStrategies(3),
      override: {
        Execute: (_input, ctx) => {
          seen.push(ctx.signal);
          if (seen.length === 1) setTimeout(() => controller.abort(), 10);
          return new Promise((_, reject) =>
            ctx.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }),
          );
        },
      },
    });
    // Act
    const r = await run(fake.handlers, { signal: controller.signal });
    const callsAtReturn = fake.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Assert
    expect(r.status).toBe('ABORTED');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.aborted)).toBe(true);
    expect(fake.calls.map((c) => c.task)).not.toContain('Finalize');
    expect(fake.calls.length).toBe(callsAtReturn);
    expect(r.events.at(-1)?.type).toBe('ExecutionAborted');
  });

  it('does not start when the signal is already aborted', async () => {
    const fake = fakeHandlers({ strategies: syntheticStrategies(2) });
    const r = await run(fake.handlers, { signal: AbortSignal.abort() });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.status).toBe('ABORTED');
    expect(fake.calls).toEqual([]);
  });

  it('maps Task states to handlers by ARN when given the ARNs', async () => {
    const fake = fakeHandlers({ strategies: [...mixed] });
    const r = await run(fake.handlers, { functionArns: localArns() });
    expect(r.status).toBe('SUCCEEDED');
    await expect(
      runLocal({
        definition,
        handlers: fake.handlers,
        input: {},
        executionName: 'x',
        functionArns: { ...localArns(), Execute: 'arn:aws:lambda:us-east-1:000000000000:function:other' },
      }),
    ).rejects.toThrow(/Execute/);
  });

  it('returns a JSON log that its schema reads back', async () => {
    const fake = fakeHandlers({ strategies: [...mixed] });
    const r = await run(fake.handlers);
    const back = LocalExecution.parse(JSON.parse(JSON.stringify(r)));
    expect(back).toEqual(r);
    expect(r.events.map((e) => e.seq)).toEqual(r.events.map((_, i) => i));
    expect(of(r.events, 'TaskSucceeded')).toHaveLength(fake.calls.length);
    const iterations = of(r.events, 'MapIterationSucceeded');
    // The planning Map's four iterations, and the sells and execution Maps' two (the per-book strategies).
    expect(iterations.map((e) => `${e.state} ${e.iteration}`).sort()).toEqual([
      'Executions 0',
      'Executions 1',
      'Sells 0',
      'Sells 1',
      'Strategies 0',
      'Strategies 1',
      'Strategies 2',
      'Strategies 3',
    ]);
    expect(of(r.events, 'MapIterationStarted')[0]?.input).toMatchObject({
      runId: 'run-2025-11-28',
      strategyId: 'alpha',
    });
  });

  it('counts transitions per strategy within the target', async () => {
    const fake = fakeHandlers({ strategies: syntheticStrategies(10, 4) });
    const r = await run(fake.handlers);
    // A per-book strategy: 3 transitions in the planning Map, 1 in the sells Map, 1 in the execution Map
    // (counted by index, so the busiest index holds one of each); the run level: 17 with the pool (its sells
    // among them), NetOrders and the sells and execution Maps.
    expect(r.transitions).toMatchObject({ iterations: 10, maxPerIteration: 5, runLevel: 17 });
    expect(r.transitions.perStrategy).toBeLessThanOrEqual(7);
  });

  it('counts what shadow mode costs: one Choice without paper books; with them, two states and one per book', async () => {
    // Arrange: 10 strategies, 2 paper books (a strategy's own and the paper pool).
    const shadows = [{ bookId: 'strategy#s0001' }, { bookId: 'pool' }] as const;
    const plain = await run(fakeHandlers({ strategies: syntheticStrategies(10, 4) }).handlers);
    const fake = fakeHandlers({ strategies: syntheticStrategies(10, 4), shadows: [...shadows] });
    // Act
    const r = await run(fake.handlers);
    // Assert: beyond the AnyShadows Choice every day has, PrepareShadows and the Map, and one per paper book.
    expect(r.status).toBe('SUCCEEDED');
    expect(r.transitions.runLevel).toBe(plain.transitions.runLevel + 2);
    expect(r.transitions.total - plain.transitions.total).toBe(2 + shadows.length);
    expect(
      fake.calls.filter((c) => c.task === 'Shadow').map((c) => (c.input as { bookId: string }).bookId),
    ).toEqual(expect.arrayContaining(['strategy#s0001', 'pool']));
    expect(finalizeInput(fake.calls).shadows).toEqual({
      items: [
        { bookId: 'strategy#s0001', outcome: 'TRADED', orders: 1, filled: 1 },
        { bookId: 'pool', outcome: 'TRADED', orders: 1, filled: 1 },
      ],
    });
  });

  it('keeps a failed paper book, or a failed PrepareShadows, away from production: the execution succeeds', async () => {
    // Arrange
    const shadows = [{ bookId: 'strategy#s0001' }, { bookId: 'pool' }];
    const boom = async () => {
      throw new InsufficientBuyingPowerError('paper', 'boom');
    };
    const failingBook = fakeHandlers({
      strategies: syntheticStrategies(4, 2),
      shadows,
      override: {
        Shadow: async (input) => {
          if ((input as { bookId: string }).bookId === 'pool') return boom();
          return { bookId: 'strategy#s0001', outcome: 'TRADED', orders: 1, filled: 1 };
        },
      },
    });
    const failingPrepare = fakeHandlers({
      strategies: syntheticStrategies(4, 2),
      shadows,
      override: { PrepareShadows: boom },
    });
    // Act
    const a = await run(failingBook.handlers);
    const b = await run(failingPrepare.handlers);
    // Assert
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(finalizeInput(failingBook.calls).shadows?.items).toEqual([
      { bookId: 'strategy#s0001', outcome: 'TRADED', orders: 1, filled: 1 },
      {
        bookId: 'pool',
        outcome: 'FAILED',
        error: { Error: 'InsufficientBuyingPower', Cause: expect.any(String) },
      },
    ]);
    expect(finalizeInput(failingPrepare.calls).shadows).toMatchObject({
      equity: '100000',
      items: [],
      error: { Error: 'InsufficientBuyingPower' },
    });
    expect(failingPrepare.calls.filter((c) => c.task === 'Shadow')).toEqual([]);
  });

  it('rejects bad options before running anything', async () => {
    const fake = fakeHandlers({ strategies: [...mixed] });
    const { Finalize: _, ...partial } = fake.handlers;
    await expect(run(partial as typeof fake.handlers)).rejects.toThrow(WorkflowConfigInvalidError);
    await expect(run(fake.handlers, { executionName: 'has space' })).rejects.toThrow(/execution name/);
    await expect(run(fake.handlers, { retryDelayScale: -1 })).rejects.toThrow(/retryDelayScale/);
    const broken = structuredClone(definition);
    broken.StartAt = 'Nowhere';
    await expect(run(fake.handlers, { definition: broken })).rejects.toThrow(/invalid definition/);
    expect(fake.calls).toEqual([]);
  });

  it('reports a listener error after the execution, without breaking it', async () => {
    const fake = fakeHandlers({ strategies: [...mixed] });
    await expect(
      run(fake.handlers, {
        onEvent: () => {
          throw new Error('listener broke');
        },
      }),
    ).rejects.toThrow('listener broke');
    expect(fake.calls.map((c) => c.task)).toContain('Finalize');
  });
});
