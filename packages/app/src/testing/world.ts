/**
 * Test support (the `./testing` subpath): an application context on real components — dynalite, the SimBroker, the bundled
 * market data, the default config — and a driver that calls the steps in workflow order, catching branch
 * errors the way the state machine's Catch does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closePricesFrom,
  createMemorySimBrokerStore,
  createSimBroker,
  type SimBroker,
} from '@ensemble/broker';
import { type LoadedConfig, loadConfig } from '@ensemble/config';
import { CorporateAction, type CorporateActionInput, type MarketData, runInstant } from '@ensemble/core';
import {
  createLedger,
  createShadowLedger,
  ensureTable,
  type LedgerRepository,
  type ShadowLedger,
} from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { createBundledMarketData, withSplits } from '@ensemble/market-data';
import type { TaskHandlers } from '@ensemble/workflow';
import type {
  BranchResult,
  FinalizeOutput,
  PrepareRunOutput,
  ShadowResult,
  ShadowsState,
  TaskName,
} from '@ensemble/workflow/contract';
import {
  type AppContext,
  type FaultInjector,
  noMetrics,
  type Ports,
  type StepLogger,
  type StepMetrics,
} from '../ports.ts';
import { createLocalSnapshotStore } from '../snapshot-store.ts';
import { createSteps, type Step } from '../tasks.ts';

/** The default configuration shipped with the repository. */
export const DEFAULT_CONFIG = new URL('../../../../strategies/ensemble.config.yaml', import.meta.url)
  .pathname;

/** What a test may change of a world's application context. */
export interface AppOverrides {
  readonly config?: LoadedConfig;
  readonly ports?: Partial<Ports>;
  readonly logger?: StepLogger;
  readonly metrics?: StepMetrics;
  readonly fault?: FaultInjector;
}

/** A local world: one database, one simulated account, one snapshot directory. */
export interface World {
  readonly ledger: LedgerRepository;
  /** The same table's shadow scope (shadow mode's paper books). */
  readonly shadowLedger: ShadowLedger;
  readonly broker: SimBroker;
  readonly config: LoadedConfig;
  /** Moves "now" (broker, ledger, steps) to 15 minutes before `day`'s close (15:45, or 12:45 on an early close). */
  setDay(day: string): void;
  app(overrides?: AppOverrides): AppContext;
  readonly logs: { level: string; message: string; extra: Record<string, unknown>[] }[];
  close(): Promise<void>;
}

/** Options of {@link startWorld}. */
export interface WorldOptions {
  /** @default the default config */
  readonly config?: LoadedConfig;
  /** Replaces the bundled data the steps read (the broker fills on the bundled data unless `fillsOn`). */
  readonly marketData?: MarketData;
  /**
   * The data the SimBroker fills at: `'bundled'`, or `'marketData'` (the data of `marketData`, for
   * synthetic symbols the bundled data does not have). @default 'bundled'
   */
  readonly fillsOn?: 'bundled' | 'marketData';
  /**
   * Trade every symbol in whole shares. The SimBroker rounds each fill's cash to cents while the ledger
   * keeps qty × price exactly, so fractional fills leave sub-cent differences that add up across fills;
   * whole shares at cent prices keep broker and ledger cash equal to the cent. @default true
   */
  readonly wholeShares?: boolean;
  /**
   * Corporate actions to simulate: the SimBroker applies them to the account on their ex-dates and announces
   * them, and the bars the steps read and the broker fills at show each split as a provider does
   * (`withSplits`). @default none
   */
  readonly corporateActions?: readonly CorporateActionInput[];
  /** The broker does not announce corporate actions (splits must be inferred). @default false */
  readonly unannounced?: boolean;
}

/** Starts a world: an in-memory dynalite, a SimBroker account, a snapshot directory. */
export const startWorld = async (options: WorldOptions = {}): Promise<World> => {
  const db = await startEmbeddedDynamo();
  const client = createLocalDynamoClient(db.endpoint);
  await ensureTable(client, 'ensemble');
  let now = new Date('2025-12-01T20:45:00Z');
  const clock = () => now;
  const ledger = createLedger({ table: 'ensemble', client, clock });
  const shadowLedger = createShadowLedger({ table: 'ensemble', client, clock });
  const actions = (options.corporateActions ?? []).map((a) => CorporateAction.parse(a));
  const bundled = withSplits(
    createBundledMarketData(),
    actions.filter((a) => a.kind === 'split'),
  );
  const config = options.config ?? (await loadConfig(DEFAULT_CONFIG));
  const sim = createSimBroker({
    store: createMemorySimBrokerStore(),
    prices: closePricesFrom(
      options.fillsOn === 'marketData' && options.marketData ? options.marketData : bundled,
    ),
    clock,
    startingCash: config.account.startingCash,
    nonFractionable:
      options.wholeShares === false
        ? []
        : [...new Set(config.strategies.flatMap((x) => x.requirements.symbols))],
    corporateActions: actions,
  });
  const { getCorporateActions: _announcements, ...silent } = sim;
  const broker: SimBroker = options.unannounced ? silent : sim;
  const dir = await mkdtemp(join(tmpdir(), 'ensemble-functions-'));
  const logs: World['logs'] = [];
  const logger: StepLogger = {
    debug: (message, ...extra) => logs.push({ level: 'debug', message, extra }),
    info: (message, ...extra) => logs.push({ level: 'info', message, extra }),
    warn: (message, ...extra) => logs.push({ level: 'warn', message, extra }),
    error: (message, ...extra) => logs.push({ level: 'error', message, extra }),
  };
  // The paper broker fills the same symbols in whole shares as the account's broker.
  const nonFractionable =
    options.wholeShares === false
      ? []
      : [...new Set(config.strategies.flatMap((x) => x.requirements.symbols))];
  const world: World = {
    ledger,
    shadowLedger,
    broker,
    config,
    logs,
    setDay(day) {
      now = runInstant(day);
    },
    app: (overrides = {}) => ({
      ports: {
        ledger,
        broker,
        marketData: options.marketData ?? bundled,
        snapshots: createLocalSnapshotStore(dir),
        clock: { now: clock, sleep: async () => {} },
        ...overrides.ports,
      },
      shadow: { ledger: shadowLedger, nonFractionable },
      config: overrides.config ?? config,
      stage: 'local',
      observe: {
        logger: overrides.logger ?? logger,
        metrics: overrides.metrics ?? noMetrics,
        ...(overrides.fault ? { fault: overrides.fault } : {}),
      },
    }),
    async close() {
      client.destroy();
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
};

/** The error a Catch would put at `$.error`. */
const caught = (e: unknown) => ({
  Error: e instanceof Error ? e.name : 'Error',
  Cause: e instanceof Error ? e.message : String(e),
});

/** What one driven day produced. */
export interface DayResult {
  readonly prepare: PrepareRunOutput;
  readonly branches: BranchResult[];
  readonly pool?: Record<string, unknown>;
  /** Shadow mode's state after its steps (absent when nothing is shadowed). */
  readonly shadows?: ShadowsState;
  readonly finalize?: FinalizeOutput;
  /** Every task called, with its input and output or error name. */
  readonly calls: { task: TaskName; input: unknown; output?: unknown; error?: string }[];
}

/**
 * Calls the steps in workflow order for `day` (the Map's iterations one after another); `input` adds to the
 * execution input (e.g. `reopen`).
 */
export const driveDay = async (
  steps: Record<TaskName, Step>,
  day: string,
  input: { readonly reopen?: boolean } = {},
): Promise<DayResult> => {
  const calls: DayResult['calls'] = [];
  const call = async (task: TaskName, input: unknown): Promise<unknown> => {
    try {
      const output = await steps[task](input);
      calls.push({ task, input, output });
      return output;
    } catch (e) {
      calls.push({ task, input, error: (e as Error).name });
      throw e;
    }
  };
  const prepare = (await call('PrepareRun', {
    input: { tradingDay: day, ...input },
    execution: { id: `exec-${day}`, name: `run-${day}` },
  })) as PrepareRunOutput;
  if (prepare.action === 'SKIP') return { prepare, branches: [], calls };
  const ref = {
    runId: prepare.runId,
    tradingDay: prepare.tradingDay,
    stage: prepare.stage,
    snapshotRef: prepare.snapshotRef,
  };
  const branches: BranchResult[] = [];
  for (const item of prepare.items) {
    const input = { ...ref, ...item };
    try {
      await call('Evaluate', input);
      if (item.flow === 'aggregated') {
        branches.push({ ...item, outcome: 'SKIPPED' });
        continue;
      }
      await call('PlanRebalance', input);
      const out = (await call('Execute', input)) as { outcome: BranchResult['outcome'] };
      branches.push({ ...item, outcome: out.outcome });
    } catch (e) {
      const out = (await call('RecordBranchFailure', { ...input, error: caught(e) })) as {
        outcome: BranchResult['outcome'];
      };
      branches.push({ ...item, outcome: out.outcome });
    }
  }
  let pool: Record<string, unknown> | undefined;
  if (prepare.hasPool) {
    try {
      await call('AggregatePool', ref);
      await call('PlanPool', ref);
      pool = (await call('ExecutePool', ref)) as Record<string, unknown>;
    } catch (e) {
      pool = { error: caught(e) };
    }
  }
  let shadows: ShadowsState = prepare.shadows;
  if (prepare.hasShadows) {
    try {
      const prepared = (await call('PrepareShadows', {
        ...ref,
        equity: prepare.shadows.equity,
      })) as ShadowsState;
      const results: ShadowResult[] = [];
      for (const item of prepared.items) {
        try {
          results.push((await call('Shadow', { ...ref, ...item })) as ShadowResult);
        } catch (e) {
          results.push({ ...item, outcome: 'FAILED', error: caught(e) });
        }
      }
      shadows = { items: results };
    } catch (e) {
      shadows = { ...shadows, error: caught(e) };
    }
  }
  const finalize = (await call('Finalize', {
    ...ref,
    branches,
    ...(pool ? { pool } : {}),
    shadows,
  })) as FinalizeOutput;
  return {
    prepare,
    branches,
    ...(pool ? { pool } : {}),
    ...(prepare.hasShadows ? { shadows } : {}),
    finalize,
    calls,
  };
};

/** Steps over a world's context (typed as the local interpreter's handlers too, which they must be). */
export const stepsOf = (world: World, overrides: AppOverrides = {}): TaskHandlers & Record<TaskName, Step> =>
  createSteps(world.app(overrides));
