/**
 * Test support (the `./testing` subpath): an application context on real components — dynalite, the SimBroker, the bundled
 * market data, the default config — and `driveDay`, the production driver (`runDay`: the steps in the
 * workflow's order, branch errors caught as the state machine's Catch does) with a fail-fast edge for tests.
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
import type { PrepareRunOutput, TaskName } from '@ensemble/workflow/contract';
import {
  type AppContext,
  type FaultInjector,
  noMetrics,
  type Ports,
  type StepLogger,
  type StepMetrics,
} from '../ports.ts';
import { type DayRun, runDay } from '../run-day.ts';
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

/** What one driven day produced (PrepareRun ran: a day whose PrepareRun failed throws its error). */
export type DayResult = DayRun & { readonly prepare: PrepareRunOutput };

/**
 * Calls the steps in workflow order for `day` with the production driver ({@link runDay}); `input` adds to
 * the execution input (e.g. `reopen`). A run-level step that fails (PrepareRun, the first Finalize) throws
 * here, so a test fails at once.
 */
export const driveDay = async (
  steps: Record<TaskName, Step>,
  day: string,
  input: { readonly reopen?: boolean } = {},
): Promise<DayResult> => {
  const result = await runDay(steps, day, input);
  const { prepare } = result;
  if (!prepare || (result.status === 'FAILED' && !result.finalize && prepare.action !== 'SKIP')) {
    const failed = result.error ?? { Error: 'Error', Cause: 'the day failed' };
    throw Object.assign(new Error(failed.Cause), { name: failed.Error });
  }
  return { ...result, prepare };
};

/** Steps over a world's context (typed as the local interpreter's handlers too, which they must be). */
export const stepsOf = (world: World, overrides: AppOverrides = {}): TaskHandlers & Record<TaskName, Step> =>
  createSteps(world.app(overrides));
