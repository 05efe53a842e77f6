/**
 * What the application steps reach, and nothing more: four ports (the ledger, the broker, market data, the
 * clock), a store for the run's snapshots, and optionally a store for the daily reports and a notifier; the
 * run's settings (the loaded config and the stage), and what
 * the steps report through (logs, metrics, and fault points for demonstrations and tests). Lambda builds an
 * {@link AppContext} from its environment (`@ensemble/functions`); the CLI composes one for local runs
 * (embedded database, SimBroker or Alpaca, bundled data); the backtest composes one over in-memory adapters.
 * Steps never read the environment or build clients themselves.
 */
import type { LoadedConfig } from '@ensemble/config';
import type { Broker, MarketData } from '@ensemble/core';
import type { LedgerRepository, ShadowLedger } from '@ensemble/ledger';
import type { Notifier } from './report/notifier.ts';
import type { ReportStore } from './report/report-store.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** Time: "now", and waiting (a fake in tests and backtests, so polling deadlines pass at once). */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/**
 * The ports of the steps. `L` is the part of the ledger a step uses (its roles, e.g. `SignalLedger`); a
 * context carries the whole ledger, and each step's signature names only the roles it reaches.
 */
export interface Ports<L = LedgerRepository> {
  readonly ledger: L;
  readonly broker: Broker;
  readonly marketData: MarketData;
  /** Market-data snapshots and evaluation traces, by key. */
  readonly snapshots: SnapshotStore;
  readonly clock: Clock;
  /** Where Finalize writes the day's report (`reports/`). @default none: no report is written */
  readonly reports?: ReportStore;
  /** Where Finalize sends the day's summary. @default none: no summary is sent */
  readonly notifier?: Notifier;
}

/** What steps log through (Powertools' Logger satisfies it). */
export interface StepLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Units the steps' metrics use (a subset of CloudWatch's). */
export type StepMetricUnit = 'Count' | 'Milliseconds';

/** What steps count through (Powertools' Metrics satisfies it). */
export interface StepMetrics {
  addMetric(name: string, unit: StepMetricUnit, value: number): void;
}

/**
 * Where a step may be crashed on purpose (`ensemble run --fault <step>:<strategy>:<point>`), for
 * demonstrations and tests. Called at named points; throwing there simulates a crash at that point.
 */
export type FaultInjector = (at: { step: string; strategyId: string; point: string }) => void;

/** What the steps report through. */
export interface Observability {
  readonly logger: StepLogger;
  readonly metrics: StepMetrics;
  /** @default no faults */
  readonly fault?: FaultInjector;
}

/**
 * What shadow mode trades on paper with (docs/shadow.md): the ledger's shadow scope (paper books, runs,
 * orders, NAVs, and the accounts of the simulated broker that fills paper orders). No broker port: the shadow
 * steps build their paper broker from this ledger and the run's snapshot.
 */
export interface ShadowPorts {
  readonly ledger: ShadowLedger;
  /**
   * Symbols the paper broker fills in whole shares only (as the account's broker would).
   * @default []
   */
  readonly nonFractionable?: readonly string[];
}

/** Everything a step is given: its ports, the run's settings, and what it reports through. */
export interface AppContext<L = LedgerRepository> {
  readonly ports: Ports<L>;
  /**
   * Shadow mode's paper ports; absent where shadow mode does not run (a shadow step then fails, on its own,
   * with `ShadowUnavailable`).
   * @default absent
   */
  readonly shadow?: ShadowPorts;
  /** The loaded, validated `ensemble.config.yaml` (strategies, account, rails). */
  readonly config: LoadedConfig;
  /** Deployment stage (`local`, `dev`, `prod`): part of run ids and client order ids. */
  readonly stage: string;
  readonly observe: Observability;
}

/** A logger that drops everything. */
export const silentLogger: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Metrics that drop everything. */
export const noMetrics: StepMetrics = { addMetric() {} };

/** The real clock: `new Date()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
