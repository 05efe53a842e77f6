import { describe, expect, it } from 'vitest';
import type { AslState, TaskState } from './asl.ts';
import { branchNeedsRetry, TaskNames, withRetried } from './contract.ts';
import {
  buildDefinition,
  definitionJson,
  localArns,
  placeholderArns,
  RetryTaskStates,
  StateNames,
  taskOfStateName,
} from './definition.ts';
import { WorkflowConfigInvalidError } from './errors.ts';
import { eachState } from './interpreter.ts';
import { DefaultTimeouts, LambdaTransientErrors } from './policy.ts';
import { validateDefinition } from './validate.ts';

const definition = () => buildDefinition({ functionArns: placeholderArns() });

const tasks = (): [string, TaskState, boolean][] => {
  const out: [string, TaskState, boolean][] = [];
  eachState(definition().States, (name, state, inMap) => {
    if (state.Type === 'Task') out.push([name, state, inMap]);
  });
  return out;
};

/** Every string and key anywhere in a JSON value. */
const allStrings = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(allStrings)
      : typeof v === 'object' && v !== null
        ? Object.entries(v).flatMap(([k, x]) => [k, ...allStrings(x)])
        : [];

describe('buildDefinition', () => {
  it('is valid ASL for asl-validator 4, which does catch a broken definition', () => {
    // Arrange
    const good = definition();
    const broken = definition();
    (broken.States.PrepareRun as TaskState).Next = 'Nowhere';
    // Act
    const ok = validateDefinition(good);
    const bad = validateDefinition(broken);
    // Assert
    expect(ok).toEqual({ valid: true, errors: [] });
    expect(bad.valid).toBe(false);
    expect(bad.errors.join('\n')).toContain('Nowhere');
  });

  it('validates with local ARNs and every allowed concurrency', () => {
    for (const maxConcurrency of [1, 10, 40]) {
      expect(validateDefinition(buildDefinition({ functionArns: localArns(), maxConcurrency })).valid).toBe(
        true,
      );
    }
  });

  it('runs every task, each Task state on its task’s plain Lambda function ARN with explicit TimeoutSeconds', () => {
    const arns = placeholderArns();
    const found = tasks();
    expect([...new Set(found.map(([n]) => taskOfStateName(n)))].sort()).toEqual([...TaskNames].sort());
    expect(found.map(([n]) => n).sort()).toEqual(
      [
        ...TaskNames,
        'RetryEvaluate',
        'RetryPlanRebalance',
        'RetryExecute',
        'RetryAggregatePool',
        'RetryPlanPool',
        'RetryExecutePool',
        'FinalizeRetried',
        'RecordExecuteFailure',
        'ExecuteSells',
        'ExecutePoolSells',
      ].sort(),
    );
    for (const [name, state] of found) {
      const task = taskOfStateName(name);
      expect(task, name).toBeDefined();
      expect(state.Resource).toBe(arns[task!]);
      expect(state.Resource).toMatch(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:/);
      expect(state.TimeoutSeconds).toBe(DefaultTimeouts[task!]);
    }
    expect(JSON.stringify(definition())).not.toContain('arn:aws:states:::');
  });

  it('retries every task on the AWS-recommended Lambda errors and on our retryable domain errors', () => {
    for (const [name, state] of tasks()) {
      const lambda = state.Retry.find((r) => r.ErrorEquals.includes('Lambda.ServiceException'));
      expect(lambda, name).toEqual({
        ErrorEquals: [...LambdaTransientErrors],
        IntervalSeconds: 2,
        MaxAttempts: 6,
        BackoffRate: 2,
      });
      const domain = state.Retry.find((r) => r.ErrorEquals.includes('BrokerUnavailable'));
      expect(domain?.ErrorEquals, name).toEqual(
        expect.arrayContaining(['BrokerUnavailable', 'RateLimited', 'SymbolBusy']),
      );
      expect(domain?.JitterStrategy, name).toBe('FULL');
      for (const r of state.Retry) expect(r.ErrorEquals, name).not.toContain('States.ALL');
    }
  });

  it('retries a timeout except where the timed-out call may still be placing orders', () => {
    const timesOut = (s: TaskState) => s.Retry.some((r) => r.ErrorEquals.includes('States.Timeout'));
    const retried = new Set(
      tasks()
        .filter(([, s]) => timesOut(s))
        .map(([n]) => taskOfStateName(n)),
    );
    const notRetried = new Set(
      tasks()
        .filter(([, s]) => !timesOut(s))
        .map(([n]) => taskOfStateName(n)),
    );
    const placing = ['Execute', 'ExecutePool', 'Shadow'];
    expect([...retried].sort()).toEqual(TaskNames.filter((t) => !placing.includes(t)).sort());
    expect([...notRetried].sort()).toEqual(placing);
  });

  it('catches every failure of a branch task inside the iteration into RecordBranchFailure', () => {
    const inMap = tasks().filter(
      ([n, , m]) => m && !n.startsWith('Retry') && n !== 'Shadow' && n !== 'ExecuteSells',
    );
    expect(inMap.map(([n]) => n).sort()).toEqual([
      'Evaluate',
      'Execute',
      'PlanRebalance',
      'RecordBranchFailure',
      'RecordExecuteFailure',
    ]);
    // The planning Map's tasks record into RecordBranchFailure, the execution Map's into its own state.
    const recorder: Record<string, string> = {
      Evaluate: 'RecordBranchFailure',
      PlanRebalance: 'RecordBranchFailure',
      Execute: 'RecordExecuteFailure',
    };
    for (const [name, state] of inMap) {
      if (name.startsWith('Record')) {
        expect(state.Catch).toBeUndefined();
        continue;
      }
      expect(state.Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: recorder[name] },
      ]);
    }
  });

  it('plans every book before NetOrders, and executes after it', () => {
    const d = definition();
    const planning = d.States[StateNames.Strategies] as Extract<AslState, { Type: 'Map' }>;
    expect(Object.keys(planning.ItemProcessor.States)).not.toContain('Execute');
    // PlanRebalance ends the iteration: its result, shaped to the branch and PLANNED.
    expect(planning.ItemProcessor.States.PlanRebalance).toMatchObject({
      ResultSelector: { 'strategyId.$': '$.strategyId', 'flow.$': '$.flow', outcome: 'PLANNED' },
      End: true,
    });
    expect(d.States.PlanPool).toMatchObject({ Next: 'NetOrders' });
    expect(d.States.NetOrders).toMatchObject({
      Parameters: { 'branches.$': '$.prepare.items', 'pool.$': '$.pool' },
      ResultPath: '$.netting',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.netting', Next: StateNames.NettingFailed }],
      Next: StateNames.Sells,
    });
    expect(d.States[StateNames.NettingFailed]).toMatchObject({
      Parameters: { items: [], sells: [], poolSells: false, 'error.$': '$.netting' },
      ResultPath: '$.netting',
      Next: StateNames.Sells,
    });
    // Every book sells before any buys: the per-book books with a sell left after netting, then the pool if it
    // has one, results and failures dropped (the full executions after them adopt the sells, or run them
    // again and record the failure).
    const sells = d.States[StateNames.Sells] as Extract<AslState, { Type: 'Map' }>;
    expect(sells).toMatchObject({
      ItemsPath: '$.netting.sells',
      ItemSelector: { 'strategyId.$': '$$.Map.Item.Value', flow: 'per-book', 'runId.$': '$.prepare.runId' },
      ResultPath: null,
      Next: StateNames.PoolToSell,
    });
    expect(sells.ItemProcessor.States.ExecuteSells).toMatchObject({
      Parameters: { phase: 'sells', 'strategyId.$': '$.strategyId' },
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: StateNames.SellsFailed }],
      End: true,
    });
    expect(taskOfStateName('ExecuteSells')).toBe('Execute');
    expect(d.States[StateNames.PoolToSell]).toMatchObject({
      Choices: [{ Variable: '$.netting.poolSells', BooleanEquals: true, Next: 'ExecutePoolSells' }],
      Default: StateNames.Executions,
    });
    expect(d.States.ExecutePoolSells).toMatchObject({
      Parameters: { phase: 'sells', 'runId.$': '$.prepare.runId' },
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: StateNames.Executions }],
      Next: StateNames.Executions,
    });
    expect(taskOfStateName('ExecutePoolSells')).toBe('ExecutePool');
    const executions = d.States[StateNames.Executions] as Extract<AslState, { Type: 'Map' }>;
    expect(executions).toMatchObject({
      ItemsPath: '$.netting.items',
      ResultPath: '$.netting.items',
      Next: StateNames.PoolToExecute,
    });
    expect(executions.ItemProcessor.States.Execute).toMatchObject({
      ResultSelector: { 'strategyId.$': '$.strategyId', 'flow.$': '$.flow', 'outcome.$': '$.outcome' },
      End: true,
    });
    expect(d.States[StateNames.PoolToExecute]).toMatchObject({
      Choices: [{ Variable: '$.pool.action', IsPresent: true, Next: 'ExecutePool' }],
      Default: StateNames.AnyShadows,
    });
    for (const f of ['Finalize', 'FinalizeRetried'])
      expect((d.States[f] as TaskState).Parameters).toMatchObject({ 'executed.$': '$.netting.items' });
  });

  it('gives FAILED branches and a FAILED pool a second run without a Catch, after Finalize', () => {
    const d = definition();
    const finalize = d.States.Finalize as TaskState;
    expect(finalize).toMatchObject({ ResultPath: '$.finalize', Next: StateNames.AnythingToRetry });
    const second = tasks().filter(([n]) => n.startsWith('Retry'));
    expect(second).toHaveLength(6);
    for (const [name, state] of second) expect(state.Catch, name).toBeUndefined();
    expect(d.States.FinalizeRetried).toMatchObject({ Type: 'Task', End: true, Resource: finalize.Resource });
    expect(d.States[StateNames.Done]).toEqual({
      Type: 'Succeed',
      Comment: expect.any(String),
      OutputPath: '$.finalize',
    });
  });

  it('writes each second-run task state as its first-run one, renamed, without Catch or Comment', () => {
    // Arrange
    const byName = new Map(tasks().map(([name, state]) => [name, state]));
    const copies = Object.entries(RetryTaskStates).filter(([name]) => name.startsWith('Retry'));
    expect(
      Object.keys(RetryTaskStates)
        .filter((n) => !n.startsWith('Retry'))
        .sort(),
    ).toEqual(['ExecutePoolSells', 'ExecuteSells', 'FinalizeRetried', 'RecordExecuteFailure']);
    // Act
    // A first-run task that ends its Map iteration shapes its result there (ResultSelector, End); the second
    // run keeps it at its ResultPath for the Choice after it: the rest is the same.
    const ResultPaths: Record<string, string> = { PlanRebalance: '$.plan', Execute: '$.execute' };
    const differences = copies.map(([name, task]) => {
      const {
        Catch: _catch,
        Comment: _comment,
        Next: _next,
        End: _end,
        ResultSelector: _selector,
        ...first
      } = byName.get(task)!;
      const { Next: _retryNext, ...second } = byName.get(name)!;
      const resultPath = first.ResultPath ?? ResultPaths[task];
      return [name, second, { ...first, ...(resultPath ? { ResultPath: resultPath } : {}) }];
    });
    // Assert
    expect(copies.map(([name]) => name).sort()).toEqual(
      tasks()
        .map(([name]) => name)
        .filter((name) => name.startsWith('Retry'))
        .sort(),
    );
    for (const [name, second, first] of differences) expect(second, String(name)).toEqual(first);
  });

  it('re-runs exactly the branches Finalize lists, and gives FinalizeRetried their new results', () => {
    const d = definition();
    const map = d.States[StateNames.RetryFailedBranches] as Extract<AslState, { Type: 'Map' }>;
    expect(map).toMatchObject({ ItemsPath: '$.finalize.retryItems', ResultPath: '$.retried' });
    expect(map.ItemProcessor.StartAt).toBe('RetryEvaluate');
    expect((d.States.FinalizeRetried as TaskState).Parameters).toMatchObject({
      'branches.$': '$.prepare.items',
      'retried.$': '$.retried',
    });
    // The rule Finalize applies, and how the second run's results replace the first ones.
    const flows = ['per-book', 'aggregated'] as const;
    const outcomes = ['TRADED', 'ALL_HOLD', 'FAILED', 'BLOCKED', 'SKIPPED'] as const;
    const all = flows.flatMap((flow) =>
      outcomes.map((outcome) => ({ strategyId: `${flow}-${outcome}`, flow, outcome })),
    );
    expect(all.filter(branchNeedsRetry).map((b) => b.strategyId)).toEqual(['per-book-FAILED']);
    // A branch planned but never executed (NetOrders failed) gets its second run too.
    expect(branchNeedsRetry({ flow: 'per-book', outcome: 'PLANNED' })).toBe(true);
    const again = { strategyId: 'per-book-FAILED', flow: 'per-book', outcome: 'TRADED' } as const;
    expect(withRetried(all, [again])).toEqual(
      all.map((b) => (b.strategyId === again.strategyId ? again : b)),
    );
    expect(withRetried(all)).toEqual(all);
  });

  it('carries a pool failure on to Finalize', () => {
    const d = definition();
    for (const name of ['AggregatePool', 'PlanPool']) {
      expect((d.States[name] as TaskState).Catch?.[0]?.Next).toBe(StateNames.PoolFailed);
    }
    expect((d.States.ExecutePool as TaskState).Catch?.[0]?.Next).toBe(StateNames.PoolExecutionFailed);
    // A pool that failed to plan still lets NetOrders and the per-book executions run.
    expect((d.States[StateNames.PoolFailed] as { Next?: string }).Next).toBe('NetOrders');
    expect((d.States[StateNames.NoPool] as { Next?: string }).Next).toBe('NetOrders');
    expect((d.States[StateNames.PoolExecutionFailed] as { Next?: string }).Next).toBe(StateNames.AnyShadows);
  });

  it('runs the paper books after the pool, where nothing they do can fail the execution', () => {
    const d = definition();
    // One Choice when nothing is shadowed; otherwise PrepareShadows, then one Shadow state per paper book.
    expect(d.States[StateNames.AnyShadows]).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.prepare.hasShadows', BooleanEquals: true, Next: 'PrepareShadows' }],
      Default: 'Finalize',
    });
    const prepare = d.States.PrepareShadows as TaskState;
    expect(prepare).toMatchObject({
      Parameters: { 'equity.$': '$.prepare.shadows.equity', 'runId.$': '$.prepare.runId' },
      ResultPath: '$.prepare.shadows',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.prepare.shadows.error', Next: 'Finalize' }],
      Next: StateNames.Shadows,
    });
    const map = d.States[StateNames.Shadows] as Extract<AslState, { Type: 'Map' }>;
    expect(map).toMatchObject({
      ItemsPath: '$.prepare.shadows.items',
      ResultPath: '$.prepare.shadows.items',
      ItemSelector: { 'bookId.$': '$$.Map.Item.Value.bookId', 'snapshotRef.$': '$.prepare.snapshotRef' },
      Next: 'Finalize',
    });
    expect(Object.keys(map.ItemProcessor.States).sort()).toEqual(['Shadow', StateNames.ShadowFailed]);
    expect(map.ItemProcessor.States.Shadow).not.toHaveProperty('ResultPath');
    expect(map.ItemProcessor.States.Shadow).toMatchObject({
      End: true,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: StateNames.ShadowFailed }],
    });
    expect(map.ItemProcessor.States[StateNames.ShadowFailed]).toMatchObject({ Type: 'Pass', End: true });
    // Both Finalize states read the paper books' results.
    for (const f of ['Finalize', 'FinalizeRetried'])
      expect((d.States[f] as TaskState).Parameters).toMatchObject({ 'shadows.$': '$.prepare.shadows' });
  });

  it('is JSONPath only: no JSONata anywhere', () => {
    const text = allStrings(definition());
    expect(text).not.toContain('QueryLanguage');
    expect(text).not.toContain('Arguments');
    expect(text).not.toContain('Assign');
    expect(text.filter((s) => s.includes('{%') || s.includes('%}'))).toEqual([]);
    const paths = text.filter((s) => s.startsWith('$'));
    expect(paths.length).toBeGreaterThan(20);
  });

  it('passes the execution identity to PrepareRun from the context object', () => {
    expect((definition().States.PrepareRun as TaskState).Parameters).toEqual({
      'input.$': '$',
      execution: {
        'id.$': '$$.Execution.Id',
        'name.$': '$$.Execution.Name',
        'startTime.$': '$$.Execution.StartTime',
      },
    });
  });

  it('sets MaxConcurrency and timeouts from options and rejects bad ones', () => {
    const d = buildDefinition({ functionArns: localArns(), maxConcurrency: 25, timeouts: { Execute: 99 } });
    const map = d.States[StateNames.Strategies] as Extract<AslState, { Type: 'Map' }>;
    expect(map.MaxConcurrency).toBe(25);
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('INLINE');
    const executions = d.States[StateNames.Executions] as typeof map;
    expect(executions.MaxConcurrency).toBe(25);
    expect((executions.ItemProcessor.States.Execute as TaskState).TimeoutSeconds).toBe(99);
    expect(
      (buildDefinition({ functionArns: localArns() }).States.Strategies as typeof map).MaxConcurrency,
    ).toBe(10);
    for (const bad of [0, 41, 2.5]) {
      expect(() => buildDefinition({ functionArns: localArns(), maxConcurrency: bad })).toThrow(
        WorkflowConfigInvalidError,
      );
    }
    expect(() => buildDefinition({ functionArns: localArns(), timeouts: { Evaluate: 0 } })).toThrow(
      WorkflowConfigInvalidError,
    );
    const { Finalize: _, ...missing } = localArns();
    expect(() => buildDefinition({ functionArns: missing as ReturnType<typeof localArns> })).toThrow(
      /Finalize/,
    );
    expect(() =>
      buildDefinition({ functionArns: { ...localArns(), Execute: 'arn:aws:states:::lambda:invoke' } }),
    ).toThrow(WorkflowConfigInvalidError);
  });
});

describe('definitionJson', () => {
  it('is 2-space JSON of the definition, the same whatever the order of the ARNs', () => {
    const arns = placeholderArns();
    const reversed = Object.fromEntries(Object.entries(arns).reverse()) as typeof arns;
    const text = definitionJson(arns);
    expect(definitionJson(reversed)).toBe(text);
    expect(JSON.parse(text)).toEqual(definition());
    expect(text.startsWith('{\n  "Comment"')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
