/**
 * The ports a step needs, as one object. Lambda builds it from the environment ({@link runtimeFromEnv} in
 * `env-runtime.ts`); the CLI composes it explicitly for local runs (embedded database, SimBroker, bundled
 * data). Steps receive it; they never read the environment or build clients themselves.
 */
import type { LoadedConfig } from '@ensemble/config';
import type { Broker, MarketData } from '@ensemble/core';
import type { RailSettingsInput } from '@ensemble/execution';
import type { LedgerRepository } from '@ensemble/ledger';
import type { SnapshotStore } from './snapshots.ts';

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

/** Everything a step reaches. */
export interface Runtime {
  readonly ledger: LedgerRepository;
  readonly broker: Broker;
  readonly marketData: MarketData;
  /** Market-data snapshots and evaluation traces, by key. */
  readonly snapshots: SnapshotStore;
  /** The loaded, validated `ensemble.config.yaml`. */
  readonly config: LoadedConfig;
  readonly clock: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger: StepLogger;
  readonly metrics: StepMetrics;
  /** Deployment stage (`local`, `dev`, `prod`): part of run ids and client order ids. */
  readonly stage: string;
  /** Safety-rail settings for execution (defaults for every rail not given). */
  readonly rails: RailSettingsInput;
  readonly fault?: FaultInjector;
}

/** A logger that drops everything. */
export const silentLogger: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Metrics that drop everything. */
export const noMetrics: StepMetrics = { addMetric() {} };

/** `setTimeout` as a promise. */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
