/**
 * `runDay` calls the steps as the state machine does: the same scripted steps are run by the real ASL
 * interpreter on the one definition (Map concurrency 1, retries without waits) and by `runDay`, and both
 * must make the same calls with the same inputs, in the same order, and end the same way — a clean day, a
 * branch that fails once, a branch and a pool that fail twice, NetOrders failing, a retryable error, a skipped day, shadow
 * mode's paper books (one failing, or PrepareShadows failing), a reopened day.
 */
import { ErrorNames, outcomeOfError } from '@ensemble/core';
import {
  type BranchResult,
  buildDefinition,
  dayBranches,
  domainRetrier,
  localArns,
  retryItemsOf,
  runLocal,
  type TaskHandlers,
  type TaskName,
  TaskNames,
} from '@ensemble/workflow';
import { describe, expect, it } from 'vitest';
import { DOMAIN_RETRY_ATTEMPTS, runDay } from './run-day.ts';
import type { Step } from './tasks.ts';

const DAY = '2025-11-28';
const ITEMS = [
  { strategyId: 'alpha', flow: 'per-book' },
  { strategyId: 'beta', flow: 'per-book' },
  { strategyId: 'gamma', flow: 'aggregated' },
  { strategyId: 'delta', flow: 'aggregated' },
] as const;

/** How the scripted steps misbehave. */
interface Script {
  /** PrepareRun skips the day. */
  skip?: boolean;
  /** `task:strategy` (or `task:pool`) → how many of its calls throw (a FAILED error) before it works. */
  failures?: Record<string, number>;
  /** `task:…` → how many calls throw a retryable error first. */
  retryable?: Record<string, number>;
  /** The paper books PrepareShadows lists (shadow mode runs when there is one). */
  paperBooks?: readonly string[];
}

/** The branch a branch task names in its output (it may end a Map iteration). */
const branchOf = (input: unknown) => {
  const { strategyId, flow } = input as { strategyId: string; flow: string };
  return { strategyId, flow };
};

/** Steps that follow `script` and log every call (task and input). */
const scripted = (script: Script) => {
  const log: { task: TaskName; input: unknown }[] = [];
  const seen = new Map<string, number>();
  const failOn = (key: string) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n <= (script.retryable?.[key] ?? 0)) {
      throw Object.assign(new Error('broker down'), { name: ErrorNames.BrokerUnavailable });
    }
    if (n - (script.retryable?.[key] ?? 0) <= (script.failures?.[key] ?? 0)) throw new Error(`${key} failed`);
  };
  // The sells phase of Execute and ExecutePool is its own key (`Execute:alpha:sells`).
  const scope = (input: unknown) => {
    const { strategyId, bookId, phase } = input as { strategyId?: string; bookId?: string; phase?: string };
    return `${strategyId ?? bookId ?? 'pool'}${phase ? `:${phase}` : ''}`;
  };
  const paperBooks = script.paperBooks ?? [];
  const shadows = { ...(paperBooks.length > 0 ? { equity: '100000' } : {}), items: [] };
  const ref = { runId: `${DAY}.local`, tradingDay: DAY, stage: 'local', snapshotRef: 'snap' };
  const outputs: Record<TaskName, (input: unknown) => unknown> = {
    PrepareRun: () =>
      script.skip
        ? {
            ...ref,
            action: 'SKIP',
            reason: 'market closed',
            snapshotRef: '',
            items: [],
            hasPool: false,
            hasShadows: false,
            shadows: { items: [] },
          }
        : {
            ...ref,
            action: 'TRADE',
            items: ITEMS,
            hasPool: true,
            hasShadows: paperBooks.length > 0,
            shadows,
          },
    Evaluate: () => ({ targets: 1 }),
    PlanRebalance: (input) => ({ ...branchOf(input), action: 'rebalance', orders: 1 }),
    Execute: (input) => ({ ...branchOf(input), outcome: 'TRADED', orders: 1, filled: 1 }),
    RecordBranchFailure: (input) => {
      const { error } = input as { error: { Error: string; Cause: string } };
      return { outcome: outcomeOfError(error.Error), error: { name: error.Error, message: error.Cause } };
    },
    AggregatePool: () => ({ members: 2, targets: 2 }),
    PlanPool: () => ({ action: 'rebalance', orders: 2 }),
    NetOrders: (input) => {
      const { branches } = input as { branches: BranchResult[] };
      const items = branches
        .filter((b) => b.outcome === 'PLANNED')
        .map(({ strategyId, flow }) => ({ strategyId, flow }));
      const { pool } = input as { pool?: { action?: string } };
      const sells = items.map((i) => i.strategyId);
      return { items, sells, poolSells: pool?.action !== undefined, crosses: 0, notional: '0' };
    },
    ExecutePool: () => ({ outcome: 'TRADED', orders: 2, filled: 2 }),
    PrepareShadows: () => ({ items: paperBooks.map((bookId) => ({ bookId })) }),
    Shadow: (input) => ({
      bookId: (input as { bookId: string }).bookId,
      outcome: 'TRADED',
      orders: 1,
      filled: 1,
    }),
    Finalize: (input) => {
      const f = input as Parameters<typeof dayBranches>[0] & {
        runId: string;
        pool?: { outcome?: string; error?: { Error: string } };
      };
      const retryItems = retryItemsOf(dayBranches(f));
      return {
        runId: f.runId,
        status: 'SUCCEEDED',
        reconciliation: { ok: true, differences: 0 },
        retryItems,
        retryBranches: retryItems.length,
        retryPool: f.pool?.error !== undefined && f.retried === undefined,
      };
    },
  };
  const steps = Object.fromEntries(
    TaskNames.map((task): [TaskName, Step] => [
      task,
      async (input) => {
        log.push({ task, input });
        failOn(`${task}:${scope(input)}`);
        return outputs[task](input);
      },
    ]),
  ) as Record<TaskName, Step>;
  return { steps, log };
};

/** The same script through the interpreter and through runDay: their call logs and endings. */
const both = async (script: Script, reopen?: boolean) => {
  const asl = scripted(script);
  const execution = await runLocal({
    definition: buildDefinition({ functionArns: localArns(), maxConcurrency: 1 }),
    handlers: asl.steps as unknown as TaskHandlers,
    input: { tradingDay: DAY, ...(reopen === undefined ? {} : { reopen }) },
    executionName: 'run',
    retryDelayScale: 0,
  });
  const direct = scripted(script);
  const day = await runDay(direct.steps, DAY, {
    execution: { id: 'x', name: 'run' },
    ...(reopen === undefined ? {} : { reopen }),
  });
  // PrepareRun's input carries the execution's identity, which differs by construction: only its execution
  // input is compared.
  const calls = (log: { task: TaskName; input: unknown }[]) =>
    log.map((c) =>
      c.task === 'PrepareRun' ? { task: c.task, input: (c.input as { input: unknown }).input } : c,
    );
  return {
    asl: { calls: calls(asl.log), status: execution.status, error: execution.error?.Error },
    direct: { calls: calls(direct.log), status: day.status, error: day.error?.Error },
    day,
  };
};

describe('runDay', () => {
  it.each<[string, Script, string, number]>([
    ['a clean day', {}, 'SUCCEEDED', 17],
    ['a skipped day', { skip: true }, 'SUCCEEDED', 1],
    ['a branch failing once (its second run trades)', { failures: { 'Execute:alpha': 1 } }, 'SUCCEEDED', 22],
    ['a branch failing twice (the day fails)', { failures: { 'PlanRebalance:beta': 2 } }, 'FAILED', 18],
    ['an aggregated member failing (no second run)', { failures: { 'Evaluate:gamma': 1 } }, 'SUCCEEDED', 18],
    ['the pool failing once', { failures: { 'PlanPool:pool': 1 } }, 'SUCCEEDED', 19],
    ['the pool failing twice', { failures: { 'ExecutePool:pool': 2 } }, 'FAILED', 20],
    [
      'a retryable error, retried',
      { retryable: { 'Execute:beta': 2, 'AggregatePool:pool': 1 } },
      'SUCCEEDED',
      20,
    ],
    ['two paper books', { paperBooks: ['alpha', 'paper-pool'] }, 'SUCCEEDED', 20],
    [
      'a paper book failing',
      { paperBooks: ['alpha', 'paper-pool'], failures: { 'Shadow:alpha': 1 } },
      'SUCCEEDED',
      20,
    ],
    [
      'PrepareShadows failing',
      { paperBooks: ['alpha'], failures: { 'PrepareShadows:pool': 1 } },
      'SUCCEEDED',
      18,
    ],
    [
      'NetOrders failing (the planned branches get their second run)',
      { failures: { 'NetOrders:pool': 1 } },
      'SUCCEEDED',
      19,
    ],
    [
      'a paper book retried, a branch failing once',
      { paperBooks: ['beta'], retryable: { 'Shadow:beta': 1 }, failures: { 'Execute:alpha': 1 } },
      'SUCCEEDED',
      25,
    ],
  ])('calls the steps as the state machine does: %s', async (_, script, status, calls) => {
    // Act
    const { asl, direct } = await both(script);
    // Assert
    expect(direct).toEqual(asl);
    expect([asl.status, asl.calls.length]).toEqual([status, calls]);
  });

  it('passes reopen to PrepareRun as the execution input does', async () => {
    // Act
    const { asl, direct } = await both({}, true);
    // Assert
    expect(direct).toEqual(asl);
    expect(direct.calls[0]).toEqual({ task: 'PrepareRun', input: { tradingDay: DAY, reopen: true } });
  });

  it('gives Finalize the paper books as the Shadows Map leaves them', async () => {
    // Act
    const { day } = await both({ paperBooks: ['alpha', 'paper-pool'], failures: { 'Shadow:alpha': 1 } });
    // Assert
    expect(day.shadows).toEqual({
      items: [
        { bookId: 'alpha', outcome: 'FAILED', error: { Error: 'Error', Cause: 'Shadow:alpha failed' } },
        { bookId: 'paper-pool', outcome: 'TRADED', orders: 1, filled: 1 },
      ],
    });
    const finalize = day.calls.find((c) => c.task === 'Finalize');
    expect(finalize?.input).toMatchObject({ shadows: day.shadows });
  });

  it('records what each stage returned', async () => {
    const { day } = await both({ failures: { 'Execute:alpha': 1 } });
    expect(day.status).toBe('SUCCEEDED');
    expect(day.branches.map((b) => b.outcome)).toEqual(['FAILED', 'TRADED', 'SKIPPED', 'SKIPPED']);
    expect(day.finalize?.retryItems).toEqual([{ strategyId: 'alpha', flow: 'per-book' }]);
    expect(day.retried).toEqual([{ strategyId: 'alpha', flow: 'per-book', outcome: 'TRADED' }]);
    expect(day.finalizeRetried?.retryItems).toEqual([]);
    expect(day.pool).toEqual({ outcome: 'TRADED', orders: 2, filled: 2 });
  });

  it("retries a retryable error as often as the definition's domain retrier", () => {
    expect(DOMAIN_RETRY_ATTEMPTS).toBe(domainRetrier.MaxAttempts);
  });
});
