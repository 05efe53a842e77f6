/**
 * The local world `ensemble run` trades in: the embedded DynamoDB on disk under the home folder (the ledger,
 * and the simulated broker's account, so books and the account persist from one local day to the next),
 * snapshots in a folder, and one of two brokers, each with its market data:
 * - `sim` (the default): the SimBroker on the bundled bars. "Now" is simulated: 15 minutes before the trading
 *   day's close (15:45 New York, 12:45 on an early close), advancing with real time so polling deadlines
 *   still pass.
 * - `alpaca`: the Alpaca adapters (`APCA_API_*` from the CLI's environment; paper unless
 *   `ENSEMBLE_ALPACA_MODE=live`) for both the broker and the bars. "Now" is the broker's clock (re-read at
 *   the start of each day), so the fake Alpaca server's simulated day and a real account's day both work.
 * A home keeps the books of one broker account: the broker it trades with is recorded in `<home>/broker`
 * on the first day it trades, and a session with another broker is refused (its books would never reconcile).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Alpaca, alpacaFromEnv, redact } from '@ensemble/alpaca';
import {
  type AppContext,
  createLocalSnapshotStore,
  type FaultInjector,
  noMetrics,
  type StepLogger,
} from '@ensemble/app';
import {
  closePricesFrom,
  createDynamoSimBrokerStore,
  createSimBroker,
  ensureSimBrokerTable,
  type FillCosts,
  fillCostOptions,
  soleWriterStore,
} from '@ensemble/broker';
import type { LoadedConfig } from '@ensemble/config';
import { type Broker, ConfigInvalidError, type MarketData, newYorkDate, runInstant } from '@ensemble/core';
import { createLedger, ensureTable, type LedgerRepository } from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { createBundledMarketData } from '@ensemble/market-data';
import type { LocalHome } from './home.ts';

/** The ledger's table name locally. */
export const LOCAL_TABLE = 'ensemble';
/** The stage of local runs (part of run ids and client order ids). */
export const LOCAL_STAGE = 'local';

/** The brokers a local world can trade with. */
export const LOCAL_BROKERS = ['sim', 'alpaca'] as const;
export type LocalBroker = (typeof LOCAL_BROKERS)[number];

export const isLocalBroker = (v: unknown): v is LocalBroker => LOCAL_BROKERS.includes(v as LocalBroker);

/** Options of {@link openLocalWorld}. */
export interface LocalWorldOptions {
  /** Cash the simulated account starts with. */
  readonly startingCash: string;
  /** The simulated broker's slippage and fees (`account.simulatedFills`). @default none */
  readonly fillCosts?: FillCosts;
  /** @default the broker the home trades with (`<home>/broker`), else `sim` */
  readonly broker?: LocalBroker;
  /** Where the Alpaca settings come from (`APCA_API_KEY_ID`...). @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface LocalWorld {
  /** The broker this world trades with. */
  readonly brokerChoice: LocalBroker;
  readonly ledger: LedgerRepository;
  /** With `alpaca`, built on first use (bad settings throw `ConfigInvalidError` then). */
  readonly broker: Broker;
  readonly marketData: MarketData;
  /**
   * Make `day` the trading day, and record the home's broker. `sim`: "now" becomes 15 minutes before `day`'s
   * close. `alpaca`: "now" is re-read from the broker's clock (which also checks the credentials).
   */
  setDay(day: string): Promise<void>;
  /** Today in New York by the broker's clock (`alpaca`) or by "now" (`sim`). */
  today(): Promise<string>;
  app(options: { config: LoadedConfig; fault?: FaultInjector; logger?: StepLogger }): AppContext;
  close(): Promise<void>;
}

const quiet: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Open (creating on first use) the local world under `home`. */
export async function openLocalWorld(home: LocalHome, options: LocalWorldOptions): Promise<LocalWorld> {
  const env = options.env ?? {};
  const recorded = await recordedBroker(home);
  const brokerChoice = options.broker ?? recorded ?? 'sim';
  if (recorded !== undefined && recorded !== brokerChoice) {
    throw new ConfigInvalidError(
      `${home.root} keeps the books of the ${recorded} broker, not ${brokerChoice}: ` +
        'use another --home (one home, one broker account)',
    );
  }
  const db = await startEmbeddedDynamo({ path: home.db, thread: true });
  const client = createLocalDynamoClient(db.endpoint);
  await ensureTable(client, LOCAL_TABLE);
  // "Now" is real time shifted by `offset`: to the simulated day (sim), or to the broker's clock (alpaca).
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const ledger = createLedger({ table: LOCAL_TABLE, client, clock });
  let ports: () => { broker: Broker; marketData: MarketData };
  if (brokerChoice === 'sim') {
    await ensureSimBrokerTable(client);
    const marketData = createBundledMarketData();
    const broker = createSimBroker({
      // The home's database belongs to this process (LevelDB locks it), so this broker is its only writer.
      store: soleWriterStore(createDynamoSimBrokerStore({ client })),
      prices: closePricesFrom(marketData),
      clock,
      startingCash: options.startingCash,
      ...fillCostOptions(options.fillCosts),
    });
    ports = () => ({ broker, marketData });
  } else {
    // Built on first use: `kill-switch` never needs the broker, so it works without credentials.
    let built: Alpaca | undefined;
    ports = () => (built ??= alpacaFromEnv(env));
  }
  /** Alpaca: "now" from the broker's clock. A refusal (bad key, wrong URL) says which settings to check. */
  const syncToBroker = async (): Promise<void> => {
    const { broker } = ports();
    let timestamp: string;
    try {
      timestamp = (await broker.getClock()).timestamp;
    } catch (e) {
      if (!(e instanceof ConfigInvalidError)) throw e;
      throw new ConfigInvalidError(
        'Alpaca refused the request: check APCA_API_KEY_ID, APCA_API_SECRET_KEY and APCA_API_BASE_URL',
        [redact(e.message, [env.APCA_API_KEY_ID, env.APCA_API_SECRET_KEY])],
      );
    }
    const at = Date.parse(timestamp);
    if (!Number.isFinite(at)) throw new ConfigInvalidError(`the Alpaca clock is unreadable: ${timestamp}`);
    offset = at - Date.now();
  };
  let record = recorded === undefined;
  const snapshots = createLocalSnapshotStore(home.snapshots);
  return {
    brokerChoice,
    ledger,
    get broker() {
      return ports().broker;
    },
    get marketData() {
      return ports().marketData;
    },
    async setDay(day) {
      if (brokerChoice === 'sim') offset = runInstant(day).getTime() - Date.now();
      else await syncToBroker();
      if (record) await writeFile(brokerFile(home), `${brokerChoice}\n`);
      record = false;
    },
    async today() {
      if (brokerChoice === 'alpaca') await syncToBroker();
      return newYorkDate(clock());
    },
    app: ({ config, fault, logger }) => ({
      ports: {
        ledger,
        ...ports(),
        snapshots,
        clock: { now: clock, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))) },
      },
      config,
      stage: LOCAL_STAGE,
      observe: { logger: logger ?? quiet, metrics: noMetrics, ...(fault ? { fault } : {}) },
    }),
    async close() {
      client.destroy();
      await db.stop();
    },
  };
}

const brokerFile = (home: LocalHome): string => join(home.root, 'broker');

/** The broker recorded in `<home>/broker`, if any. */
async function recordedBroker(home: LocalHome): Promise<LocalBroker | undefined> {
  let text: string;
  try {
    text = (await readFile(brokerFile(home), 'utf8')).trim();
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!isLocalBroker(text))
    throw new ConfigInvalidError(`${brokerFile(home)}: unknown broker '${text}' (expected sim or alpaca)`);
  return text;
}
