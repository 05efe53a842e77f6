/**
 * Fake task handlers for tests and demos: each parses its input with the contract's schema (so a wiring
 * mistake in the definition fails loudly), returns a contract-valid output, and records the call.
 */
import {
  type BranchItem,
  dayBranches,
  retryItemsOf,
  type ShadowItem,
  type TaskName,
  TaskNames,
  TaskSchemas,
} from '../contract.ts';
import type { TaskContext, TaskHandler, TaskHandlers } from '../interpreter.ts';

/** One recorded handler call. */
export interface FakeCall {
  readonly task: TaskName;
  readonly input: unknown;
  readonly ctx: TaskContext;
}

/** Options of {@link fakeHandlers}. */
export interface FakeHandlerOptions {
  /** The Map items PrepareRun emits. */
  readonly strategies: readonly BranchItem[];
  /**
   * The paper books PrepareShadows emits (shadow mode runs when there is one).
   * @default []
   */
  readonly shadows?: readonly ShadowItem[];
  /**
   * PrepareRun's action.
   * @default 'TRADE'
   */
  readonly action?: 'TRADE' | 'SKIP';
  /** Replace some handlers (they are still recorded and still schema-checked). */
  readonly override?: Partial<Record<TaskName, TaskHandler>>;
}

/** Fake handlers plus the log of their calls. */
export interface FakeHandlers {
  readonly handlers: TaskHandlers;
  readonly calls: FakeCall[];
}

/** Synthetic Map items: `count` strategies `s0000`…, every `aggregatedEvery`-th one aggregated. */
export const syntheticStrategies = (count: number, aggregatedEvery = 0): BranchItem[] =>
  Array.from({ length: count }, (_, i) => ({
    strategyId: `s${String(i).padStart(4, '0')}`,
    flow: aggregatedEvery > 0 && i % aggregatedEvery === aggregatedEvery - 1 ? 'aggregated' : 'per-book',
  }));

/** The branch a branch task's input names (its output names it too: it may end a Map iteration). */
export const branchOf = (input: unknown): BranchItem => {
  const { strategyId, flow } = TaskSchemas.Execute.input.parse(input);
  return { strategyId, flow };
};

/** True for Execute's or ExecutePool's sells phase (the `Sells` Map, `ExecutePoolSells`). */
export const isSells = (input: unknown): boolean => (input as { phase?: string }).phase === 'sells';

/** Builds the fakes. */
export const fakeHandlers = (options: FakeHandlerOptions): FakeHandlers => {
  const calls: FakeCall[] = [];
  const items = options.strategies.map((s) => ({ strategyId: s.strategyId, flow: s.flow }));
  const shadows = (options.shadows ?? []).map((s) => ({ bookId: s.bookId }));
  const defaults: Record<TaskName, TaskHandler> = {
    PrepareRun: async (input) => {
      const { input: exec } = TaskSchemas.PrepareRun.input.parse(input);
      const tradingDay = exec.tradingDay ?? '2025-11-28';
      const skip = options.action === 'SKIP';
      return {
        runId: `run-${tradingDay}`,
        tradingDay,
        stage: exec.stage ?? 'local',
        action: skip ? 'SKIP' : 'TRADE',
        ...(skip ? { reason: 'market closed' } : {}),
        snapshotRef: `snapshots/${tradingDay}/abc123.json`,
        items: skip ? [] : items,
        hasPool: !skip && items.some((i) => i.flow === 'aggregated'),
        hasShadows: !skip && shadows.length > 0,
        shadows: { ...(shadows.length > 0 ? { equity: '100000' } : {}), items: [] },
      };
    },
    Evaluate: async () => ({ targets: 3 }),
    PlanRebalance: async (input) => ({ ...branchOf(input), action: 'rebalance', orders: 2 }),
    Execute: async (input) => ({ ...branchOf(input), outcome: 'TRADED', orders: 2, filled: 2 }),
    RecordBranchFailure: async (input) => {
      const { error } = TaskSchemas.RecordBranchFailure.input.parse(input);
      return { outcome: 'FAILED', error: { name: error.Error, message: error.Cause ?? '' } };
    },
    AggregatePool: async () => ({ members: items.filter((i) => i.flow === 'aggregated').length, targets: 4 }),
    PlanPool: async () => ({ action: 'rebalance', orders: 3 }),
    NetOrders: async (input) => {
      const { branches, pool } = TaskSchemas.NetOrders.input.parse(input);
      const planned = branches.filter((b) => b.flow === 'per-book' && b.outcome === 'PLANNED');
      const items = planned.map(({ strategyId, flow }) => ({ strategyId, flow }));
      // Every planned branch, and a pool that planned, has a sell to place (the worst case).
      return {
        items,
        sells: items.map((i) => i.strategyId),
        poolSells: pool?.action !== undefined,
        crosses: 0,
        notional: '0',
      };
    },
    ExecutePool: async () => ({ outcome: 'TRADED', orders: 3, filled: 3 }),
    PrepareShadows: async () => ({ items: shadows }),
    Shadow: async (input) => {
      const { bookId } = TaskSchemas.Shadow.input.parse(input);
      return { bookId, outcome: 'TRADED', orders: 1, filled: 1 };
    },
    Finalize: async (input) => {
      const parsed = TaskSchemas.Finalize.input.parse(input);
      const retryItems = retryItemsOf(dayBranches(parsed));
      const retryPool = parsed.pool?.error !== undefined;
      return {
        runId: parsed.runId,
        status: retryItems.length > 0 || retryPool ? 'FAILED' : 'SUCCEEDED',
        reconciliation: { ok: true, differences: 0 },
        retryItems,
        retryBranches: retryItems.length,
        retryPool,
      };
    },
  };
  const handlers = Object.fromEntries(
    TaskNames.map((task) => {
      const impl = options.override?.[task] ?? defaults[task];
      const wrapped: TaskHandler = async (input, ctx) => {
        calls.push({ task, input, ctx });
        TaskSchemas[task].input.parse(input);
        return TaskSchemas[task].output.parse(await impl(input, ctx));
      };
      return [task, wrapped];
    }),
  ) as Record<TaskName, TaskHandler>;
  return { handlers, calls };
};
