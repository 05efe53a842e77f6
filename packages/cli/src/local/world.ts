/**
 * The local world `ensemble run` trades in: the embedded DynamoDB on disk under the home folder (ledger and
 * simulated broker, so books and the account persist from one local day to the next), the SimBroker, the
 * bundled market data, snapshots in a folder. "Now" is simulated: 15 minutes before the trading day's close
 * (15:45 New York, 12:45 on an early close), advancing with real time so polling deadlines still pass.
 */
import {
  closePricesFrom,
  createDynamoSimBrokerStore,
  createSimBroker,
  ensureSimBrokerTable,
} from '@ensemble/broker';
import type { LoadedConfig } from '@ensemble/config';
import { type Broker, type MarketData, runInstant } from '@ensemble/core';
import { SimulatedCrash } from '@ensemble/execution';
import {
  createLocalSnapshotStore,
  type FaultInjector,
  noMetrics,
  type Runtime,
  type StepLogger,
} from '@ensemble/functions';
import {
  createLedger,
  createLocalDynamoClient,
  ensureTable,
  type LedgerRepository,
  startEmbeddedDynamo,
} from '@ensemble/ledger';
import { createBundledMarketData } from '@ensemble/market-data';
import type { LocalHome } from './home.ts';

/** The ledger's table name locally. */
export const LOCAL_TABLE = 'ensemble';
/** The stage of local runs (part of run ids and client order ids). */
export const LOCAL_STAGE = 'local';

/** A crash to inject once: `<step>:<strategy>:<point>` (step case-insensitive; strategy `*` for any). */
export interface FaultSpec {
  readonly step: string;
  readonly strategyId: string;
  readonly point: string;
}

export function parseFault(spec: string): FaultSpec | null {
  const parts = spec.split(':');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) return null;
  const [step, strategyId, point] = parts as [string, string, string];
  return { step: step.toLowerCase(), strategyId, point };
}

/** A fault injector that throws {@link SimulatedCrash} the first time the spec matches, then never again. */
export function faultOnce(spec: FaultSpec): FaultInjector & { fired(): boolean } {
  let fired = false;
  const inject = ((at: { step: string; strategyId: string; point: string }) => {
    if (fired) return;
    if (at.step.toLowerCase() !== spec.step) return;
    if (spec.strategyId !== '*' && at.strategyId !== spec.strategyId) return;
    if (at.point !== spec.point) return;
    fired = true;
    throw new SimulatedCrash(spec.point as never, {});
  }) as FaultInjector & { fired(): boolean };
  inject.fired = () => fired;
  return inject;
}

export interface LocalWorld {
  readonly ledger: LedgerRepository;
  readonly broker: Broker;
  readonly marketData: MarketData;
  /** Set "now" to 15 minutes before `day`'s close. */
  setDay(day: string): void;
  runtime(options: { config: LoadedConfig; fault?: FaultInjector; logger?: StepLogger }): Runtime;
  close(): Promise<void>;
}

const quiet: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Open (creating on first use) the local world under `home`. */
export async function openLocalWorld(home: LocalHome, startingCash: string): Promise<LocalWorld> {
  const db = await startEmbeddedDynamo({ path: home.db });
  const client = createLocalDynamoClient(db.endpoint);
  await ensureTable(client, LOCAL_TABLE);
  await ensureSimBrokerTable(client);
  let simulatedStart = Date.now();
  let realStart = Date.now();
  const clock = () => new Date(simulatedStart + (Date.now() - realStart));
  const ledger = createLedger({ table: LOCAL_TABLE, client, clock });
  const marketData = createBundledMarketData();
  const broker = createSimBroker({
    store: createDynamoSimBrokerStore({ client }),
    prices: closePricesFrom(marketData),
    clock,
    startingCash,
  });
  const snapshots = createLocalSnapshotStore(home.snapshots);
  return {
    ledger,
    broker,
    marketData,
    setDay(day) {
      simulatedStart = runInstant(day).getTime();
      realStart = Date.now();
    },
    runtime: ({ config, fault, logger }) => ({
      ledger,
      broker,
      marketData,
      snapshots,
      config,
      clock,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
      logger: logger ?? quiet,
      metrics: noMetrics,
      stage: LOCAL_STAGE,
      rails: config.rails,
      ...(fault ? { fault } : {}),
    }),
    async close() {
      client.destroy();
      await db.stop();
    },
  };
}
