import { describe, expect, it } from 'vitest';
import { type BranchInput, dayBranches, FinalizeInput } from './contract.ts';
import { buildDefinition, localArns } from './definition.ts';
import { ExecutionNotRedrivableError } from './errors.ts';
import { LocalExecution, type WorkflowEvent } from './events.ts';
import { runLocal } from './local-runner.ts';
import { redriveLocal } from './redrive.ts';
import {
  branchOf,
  type FakeHandlerOptions,
  fakeHandlers,
  isSells,
  syntheticStrategies,
} from './testing/index.ts';

const definition = buildDefinition({ functionArns: localArns(), maxConcurrency: 40 });
const strategies = syntheticStrategies(5, 4); // s0003 aggregated

const strategyOf = (input: unknown) => (input as BranchInput).strategyId;
const of = <T extends WorkflowEvent['type']>(events: readonly WorkflowEvent[], type: T, redrive?: number) =>
  events.filter(
    (e): e is Extract<WorkflowEvent, { type: T }> =>
      e.type === type && (redrive === undefined || e.redrive === redrive),
  );
const crash = (message: string) => Object.assign(new Error(message), { name: 'Crash' });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const first = (override: FakeHandlerOptions['override']) => {
  const fake = fakeHandlers({ strategies, override });
  return {
    fake,
    run: (extra: Partial<Parameters<typeof runLocal>[0]> = {}) =>
      runLocal({
        definition,
        handlers: fake.handlers,
        input: {},
        executionName: 'day-1',
        retryDelayScale: 0,
        ...extra,
      }),
  };
};
const redrive = (previous: LocalExecution, extra: Partial<Parameters<typeof redriveLocal>[0]> = {}) => {
  const fake = fakeHandlers({ strategies });
  return {
    fake,
    result: redriveLocal({ definition, handlers: fake.handlers, previous, retryDelayScale: 0, ...extra }),
  };
};

/** Each branch's outcome as the first Finalize of `fake`'s calls read them. */
const finalOutcomes = (fake: ReturnType<typeof fakeHandlers>) =>
  dayBranches(FinalizeInput.parse(fake.calls.find((c) => c.task === 'Finalize')?.input)).map(
    (b) => b.outcome,
  );
/** Every branch traded (s0003, aggregated, trades in the pool). */
const EVERY_BRANCH_DONE = ['TRADED', 'TRADED', 'TRADED', 'SKIPPED', 'TRADED'];

/**
 * A first attempt ABORTED while the Execute calls `slow` picks are in flight (the abort comes 40 ms after the
 * first of them starts; every other Execute trades at once).
 */
const abortedWhile = async (slow: (input: unknown) => boolean): Promise<LocalExecution> => {
  const controller = new AbortController();
  const { run } = first({
    Execute: (input, ctx) => {
      if (!slow(input))
        return Promise.resolve({ ...branchOf(input), outcome: 'TRADED', orders: 1, filled: 1 });
      setTimeout(() => controller.abort(), 40);
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new Error('stopped'))),
      );
    },
  });
  const aborted = await run({ signal: controller.signal });
  expect(aborted.status).toBe('ABORTED');
  return aborted;
};

describe('redriveLocal', () => {
  it('re-runs only the failed iteration of the execution Map, with its original input, then the states after it', async () => {
    // Arrange: s0002's Execute fails, then recording the failure crashes too (after the others are done).
    const { run } = first({
      Execute: async (input) => {
        if (strategyOf(input) !== 's0002')
          return { ...branchOf(input), outcome: 'TRADED', orders: 1, filled: 1 };
        await wait(30);
        throw new Error('connection reset');
      },
      RecordBranchFailure: async () => {
        throw crash('ledger unreachable');
      },
    });
    const failed = await run();
    expect(failed.status).toBe('FAILED');
    const persisted = LocalExecution.parse(JSON.parse(JSON.stringify(failed)));
    // Act
    const { fake, result } = redrive(persisted);
    const r = await result;
    // Assert
    expect(r.status).toBe('SUCCEEDED');
    expect(r.executionName).toBe('day-1');
    const branchCalls = fake.calls.filter((c) => ['Evaluate', 'PlanRebalance', 'Execute'].includes(c.task));
    expect(branchCalls.some((c) => isSells(c.input))).toBe(false);
    expect(new Set(branchCalls.map((c) => strategyOf(c.input)))).toEqual(new Set(['s0002']));
    expect(fake.calls.map((c) => c.task)).not.toContain('PrepareRun');
    // s0002 is the third per-book branch: iteration 2 of the execution Map (NetOrders' items).
    const original = of(failed.events, 'MapIterationStarted').find(
      (e) => e.state === 'Executions' && e.iteration === 2,
    );
    const again = of(r.events, 'MapIterationStarted', 1);
    expect(again.map((e) => [e.state, e.iteration])).toEqual([['Executions', 2]]);
    expect(again[0]?.input).toEqual(original?.input);
    expect(of(r.events, 'RedriveStarted')).toMatchObject([
      { from: 'Executions', iterations: [2], redrive: 1 },
    ]);
    const fin = FinalizeInput.parse(fake.calls.find((c) => c.task === 'Finalize')?.input);
    expect(dayBranches(fin).map((b) => [b.strategyId, b.outcome])).toEqual([
      ['s0000', 'TRADED'],
      ['s0001', 'TRADED'],
      ['s0002', 'TRADED'],
      ['s0003', 'SKIPPED'],
      ['s0004', 'TRADED'],
    ]);
    // The pool planned before the Map (not again); it executes after it.
    expect(fake.calls.map((c) => c.task)).toEqual(['Execute', 'ExecutePool', 'Finalize']);
    expect(r.events.slice(0, failed.events.length)).toEqual(failed.events);
    expect(r.events.map((e) => e.seq)).toEqual(r.events.map((_, i) => i));
    expect(r.transitions).toMatchObject({ iterations: 1, maxPerIteration: 1 });
  });

  it('re-runs a branch whose second run failed: that iteration of RetryFailedBranches, then FinalizeRetried', async () => {
    // Arrange: s0001's Evaluate fails in both runs of the first attempt; the Catch records it the first time.
    const { fake: firstFake, run } = first({
      Evaluate: async (input) => {
        if (strategyOf(input) === 's0001') throw crash('injected fault');
        return { targets: 2 };
      },
    });
    const failed = await run();
    expect(failed.status).toBe('FAILED');
    expect(firstFake.calls.filter((c) => c.task === 'Finalize')).toHaveLength(1);
    // Act
    const { fake, result } = redrive(failed);
    const r = await result;
    // Assert: only s0001 ran again, only in the second-run Map; then the second Finalize, nothing else.
    expect(r.status).toBe('SUCCEEDED');
    expect(of(r.events, 'RedriveStarted')).toMatchObject([{ from: 'RetryFailedBranches', iterations: [0] }]);
    expect(fake.calls.map((c) => [c.task, c.ctx.stateName])).toEqual([
      ['Evaluate', 'RetryEvaluate'],
      ['PlanRebalance', 'RetryPlanRebalance'],
      ['Execute', 'RetryExecute'],
      ['Finalize', 'FinalizeRetried'],
    ]);
    expect(new Set(fake.calls.slice(0, 3).map((c) => strategyOf(c.input)))).toEqual(new Set(['s0001']));
    const fin = FinalizeInput.parse(fake.calls.at(-1)?.input);
    expect(dayBranches(fin).map((b) => [b.strategyId, b.outcome])).toEqual([
      ['s0000', 'TRADED'],
      ['s0001', 'TRADED'],
      ['s0002', 'TRADED'],
      ['s0003', 'SKIPPED'],
      ['s0004', 'TRADED'],
    ]);
    await expect(redrive(r).result).rejects.toThrow(ExecutionNotRedrivableError);
  });

  it('re-runs a pool whose second run failed, then FinalizeRetried', async () => {
    const { run } = first({
      PlanPool: async () => {
        throw crash('pool ledger unreachable');
      },
    });
    const failed = await run();
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatchObject({ Error: 'Crash' });
    const { fake, result } = redrive(failed);
    const r = await result;
    expect(r.status).toBe('SUCCEEDED');
    expect(of(r.events, 'RedriveStarted')).toMatchObject([{ from: 'RetryPool', iterations: [] }]);
    expect(fake.calls.map((c) => c.ctx.stateName)).toEqual([
      'RetryAggregatePool',
      'RetryPlanPool',
      'RetryExecutePool',
      'FinalizeRetried',
    ]);
    expect(FinalizeInput.parse(fake.calls.at(-1)?.input).pool).toEqual({
      outcome: 'TRADED',
      orders: 3,
      filled: 3,
    });
    expect(r.output).toMatchObject({ status: 'SUCCEEDED', retryPool: false });
  });

  it('restarts at a failed state after the Map with the input it had', async () => {
    let finalizeFails = true;
    const { fake: firstFake, run } = first({
      Finalize: async (input) => {
        if (finalizeFails) throw crash('report bucket down');
        return {
          runId: (input as { runId: string }).runId,
          status: 'SUCCEEDED',
          reconciliation: { ok: true, differences: 0 },
          retryItems: [],
          retryBranches: 0,
          retryPool: false,
        };
      },
    });
    const failed = await run();
    expect(failed.status).toBe('FAILED');
    finalizeFails = false;
    const { fake, result } = redrive(failed);
    const r = await result;
    expect(r.status).toBe('SUCCEEDED');
    expect(fake.calls.map((c) => c.task)).toEqual(['Finalize']);
    expect(fake.calls[0]?.input).toEqual(firstFake.calls.find((c) => c.task === 'Finalize')?.input);
    expect(of(r.events, 'RedriveStarted')).toMatchObject([{ from: 'Finalize', iterations: [] }]);
  });

  it('re-runs the iterations an abort interrupted', async () => {
    // Arrange: abort while s0000 and s0001 are still executing (the others are done).
    const slow = ['s0000', 's0001'];
    const aborted = await abortedWhile((input) => slow.includes(strategyOf(input)) && !isSells(input));
    // Act
    const { fake, result } = redrive(aborted);
    const r = await result;
    // Assert
    expect(r.status).toBe('SUCCEEDED');
    expect(of(r.events, 'RedriveStarted')).toMatchObject([{ from: 'Executions', iterations: [0, 1] }]);
    expect(new Set(fake.calls.filter((c) => c.task === 'Execute').map((c) => strategyOf(c.input)))).toEqual(
      new Set(slow),
    );
    expect(fake.calls.map((c) => c.task)).toContain('Finalize');
  });

  it('re-runs the sells an abort interrupted, then the executions, and passes the Map input on', async () => {
    // Arrange: abort while s0001 is still placing its sells (the Sells Map drops its results).
    const aborted = await abortedWhile((input) => isSells(input) && strategyOf(input) === 's0001');
    // Act
    const { fake, result } = redrive(aborted);
    const r = await result;
    // Assert: the one interrupted iteration of the Sells Map ran again, then everything after it, once.
    expect(r.status).toBe('SUCCEEDED');
    expect(of(r.events, 'RedriveStarted')).toMatchObject([{ from: 'Sells', iterations: [1] }]);
    const executes = fake.calls.filter((c) => c.task === 'Execute');
    expect(executes.filter((c) => isSells(c.input)).map((c) => strategyOf(c.input))).toEqual(['s0001']);
    expect(
      executes
        .filter((c) => !isSells(c.input))
        .map((c) => strategyOf(c.input))
        .sort(),
    ).toEqual(['s0000', 's0001', 's0002', 's0004']);
    // The state after the Sells Map is its input: Finalize reads NetOrders' items as the executions left them.
    expect(finalOutcomes(fake)).toEqual(EVERY_BRANCH_DONE);
  });

  it('redrives a redrive that failed again, from the merged log', async () => {
    // Arrange: s0004's branch keeps crashing through the first redrive, then is fixed.
    const broken: FakeHandlerOptions['override'] = {
      Evaluate: async (input) => {
        if (strategyOf(input) !== 's0004') return { targets: 1 };
        await wait(30); // the other branches finish first
        throw new Error('bad data');
      },
      RecordBranchFailure: async () => {
        throw crash('ledger unreachable');
      },
    };
    const failed = await first(broken).run();
    const stillBroken = fakeHandlers({ strategies, override: broken });
    const again = await redriveLocal({
      definition,
      handlers: stillBroken.handlers,
      previous: failed,
      retryDelayScale: 0,
    });
    expect(again.status).toBe('FAILED');
    // Act
    const { fake, result } = redrive(again);
    const r = await result;
    // Assert
    expect(r.status).toBe('SUCCEEDED');
    expect(of(r.events, 'RedriveStarted').map((e) => [e.redrive, e.iterations])).toEqual([
      [1, [4]],
      [2, [4]],
    ]);
    const inputs = of(r.events, 'MapIterationStarted')
      .filter((e) => e.state === 'Strategies' && e.iteration === 4)
      .map((e) => e.input);
    expect(inputs).toHaveLength(3);
    expect(inputs[2]).toEqual(inputs[0]);
    expect(finalOutcomes(fake)).toEqual(EVERY_BRANCH_DONE);
  });

  it('refuses what cannot be redriven', async () => {
    const { run } = first({});
    const ok = await run();
    await expect(redrive(ok).result).rejects.toThrow(/succeeded/);
    await expect(redrive({ ...ok, events: [{ type: 'Nope' }] } as never).result).rejects.toThrow(
      ExecutionNotRedrivableError,
    );
  });
});
