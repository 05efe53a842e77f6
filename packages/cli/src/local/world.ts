/**
 * The local world `ensemble run` trades in: the embedded DynamoDB on disk under the home folder (the ledger,
 * and the simulated broker's account, so books and the account persist from one local day to the next),
 * snapshots and the daily reports in folders (no notifier: the CLI prints its own report), and one of two
 * brokers, each with its market data:
 * - `sim` (the default): the SimBroker on the bundled bars. "Now" is simulated: 15 minutes before the trading
 *   day's close (15:45 New York, 12:45 on an early close), advancing with real time so polling deadlines
 *   still pass.
 * - `alpaca`: the Alpaca adapters (`APCA_API_*` from the CLI's environment; paper unless
 *   `ENSEMBLE_ALPACA_MODE=live`) for both the broker and the bars. "Now" is the broker's clock (re-read at
 *   the start of each day), so the fake Alpaca server's simulated day and a real account's day both work.
 * Shadow mode's paper books live in the same database, in the ledger's shadow scope.
 * A home keeps the books of one broker account: the broker it trades with is recorded in `<home>/broker`
 * on the first day it trades, and a session with another broker is refused (its books would never reconcile).
 *
 * Opening a home takes its lock (`home.ts`). With `access: 'shared'` (the kill switch, reconcile), a home
 * another process holds is reached through that process's database endpoint instead: the ledger is the
 * same table, and the simulated account is read through a read-only view (this process's clock never
 * expires or fills the holder's orders). Every failure while opening stops what the opening started (the
 * database's worker thread, the lock), so a failed command always exits. A database left half-created by a
 * kill during a home's first start (a table still CREATING, and no data anywhere) is set aside and made
 * afresh; one that holds data is left alone and the error names the command that resets it.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { type Alpaca, alpacaFromEnv, redact } from '@ensemble/alpaca';
import {
  type AppContext,
  createLocalReportStore,
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
  readOnlyStore,
  soleWriterStore,
} from '@ensemble/broker';
import type { LoadedConfig } from '@ensemble/config';
import { type Broker, ConfigInvalidError, type MarketData, newYorkDate, runInstant } from '@ensemble/core';
import {
  createLedger,
  createShadowLedger,
  ensureTable,
  type LedgerRepository,
  type ShadowLedger,
} from '@ensemble/ledger';
import { createLocalDynamoClient, type EmbeddedDynamo, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { CsvMarketData, createBundledMarketData } from '@ensemble/market-data';
import {
  acquireHomeLock,
  HomeDamagedError,
  HomeInUseError,
  type HomeLockInfo,
  inUseMessage,
  type LocalHome,
} from './home.ts';
import { shellQuote } from './next-step.ts';

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
  /**
   * `exclusive` (trading commands): the home to this process, else `HomeInUseError` naming the holder.
   * `shared` (the kill switch, reconcile): a home another process holds is reached through its database.
   * @default 'exclusive'
   */
  readonly access?: 'exclusive' | 'shared';
  /** This process's command line, recorded in the lock. @default 'ensemble' */
  readonly command?: string;
  /** `sim`: bars from `SYMBOL.csv[.gz]` files in this folder instead of the bundled ones. */
  readonly dataDir?: string;
}

export interface LocalWorld {
  /** The broker this world trades with. */
  readonly brokerChoice: LocalBroker;
  readonly ledger: LedgerRepository;
  /** The same table's shadow scope: shadow mode's paper books (docs/shadow.md). */
  readonly shadowLedger: ShadowLedger;
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
  /** The process whose database this world reaches (shared access to a home in use); null when it is ours. */
  readonly holder: HomeLockInfo | null;
  /** Notes for the operator about the opening (a half-created database set aside). */
  readonly notices: readonly string[];
  close(): Promise<void>;
}

const quiet: StepLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Open (creating on first use) the local world under `home`. */
export async function openLocalWorld(home: LocalHome, options: LocalWorldOptions): Promise<LocalWorld> {
  const recorded = await recordedBroker(home);
  const brokerChoice = options.broker ?? recorded ?? 'sim';
  if (recorded !== undefined && recorded !== brokerChoice) {
    throw new ConfigInvalidError(
      `${home.root} keeps the books of the ${recorded} broker, not ${brokerChoice}: ` +
        'use another --home (one home, one broker account)',
    );
  }
  const taken = await acquireHomeLock(home, options.command ?? 'ensemble');
  if ('heldBy' in taken) {
    const reached = options.access === 'shared' ? await reachHolder(taken.heldBy) : null;
    if (!reached)
      throw new HomeInUseError(inUseMessage(home, taken.heldBy, options.command ?? 'this command'));
    return worldOn(home, options, brokerChoice, recorded, reached, { holder: taken.heldBy, notices: [] });
  }
  const { lock } = taken;
  let db: EmbeddedDynamo | undefined;
  let client: DynamoDBClient | undefined;
  try {
    const notices: string[] = [];
    db = await startEmbeddedDynamo({ path: home.db, thread: true });
    client = createLocalDynamoClient(db.endpoint);
    if (await halfCreated(client, home)) {
      client.destroy();
      client = undefined;
      const stopping = db;
      db = undefined;
      await stopping.stop();
      const aside = `${home.db}.half-created-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(home.db, aside);
      notices.push(
        `the home's database was left half-created by an interrupted first start: set aside as ${aside}, and made afresh`,
      );
      db = await startEmbeddedDynamo({ path: home.db, thread: true });
      client = createLocalDynamoClient(db.endpoint);
    }
    await ensureTable(client, LOCAL_TABLE);
    if (brokerChoice === 'sim') await ensureSimBrokerTable(client);
    await lock.publish(db.endpoint);
    const started = db;
    return worldOn(home, options, brokerChoice, recorded, client, {
      holder: null,
      notices,
      stop: async () => {
        await started.stop();
        await lock.release();
      },
    });
  } catch (e) {
    client?.destroy();
    await db?.stop().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw e;
  }
}

/** The pieces of a world once its database is reachable. */
function worldOn(
  home: LocalHome,
  options: LocalWorldOptions,
  brokerChoice: LocalBroker,
  recorded: LocalBroker | undefined,
  client: DynamoDBClient,
  how: { holder: HomeLockInfo | null; notices: string[]; stop?: () => Promise<void> },
): LocalWorld {
  const env = options.env ?? {};
  const shared = how.holder !== null;
  // "Now" is real time shifted by `offset`: to the simulated day (sim), or to the broker's clock (alpaca).
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const ledger = createLedger({ table: LOCAL_TABLE, client, clock });
  const shadowLedger = createShadowLedger({ table: LOCAL_TABLE, client, clock });
  let ports: () => { broker: Broker; marketData: MarketData };
  if (brokerChoice === 'sim') {
    const marketData = options.dataDir ? new CsvMarketData(options.dataDir) : createBundledMarketData();
    const store = createDynamoSimBrokerStore({ client });
    const broker = createSimBroker({
      // Our own home's database belongs to this process (the lock, and LevelDB's), so this broker is its
      // only writer; another process's home is only read.
      store: shared ? readOnlyStore(store) : soleWriterStore(store),
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
  let record = recorded === undefined && !shared;
  const snapshots = createLocalSnapshotStore(home.snapshots);
  // Report keys carry their folder (`reports/<day>/…`): rooted at the home, they land in `home.reports`.
  const reports = createLocalReportStore(home.root);
  return {
    brokerChoice,
    holder: how.holder,
    notices: how.notices,
    ledger,
    shadowLedger,
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
      // The paper broker fills like this world's SimBroker: every symbol fractionable.
      shadow: { ledger: shadowLedger },
      ports: {
        ledger,
        ...ports(),
        snapshots,
        reports,
        clock: { now: clock, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))) },
      },
      config,
      stage: LOCAL_STAGE,
      observe: { logger: logger ?? quiet, metrics: noMetrics, ...(fault ? { fault } : {}) },
    }),
    async close() {
      client.destroy();
      await how.stop?.();
    },
  };
}

/** A client on the holder's database, if it answers (the holder may be starting, or stopping). */
async function reachHolder(holder: HomeLockInfo): Promise<DynamoDBClient | null> {
  if (holder.endpoint === undefined) return null;
  const client = createLocalDynamoClient(holder.endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }), {
      abortSignal: AbortSignal.timeout(2000),
    });
    return client;
  } catch {
    client.destroy();
    return null;
  }
}

/**
 * True when a table of the home's database is stuck CREATING (a kill during the home's first start: the
 * embedded database makes a table ACTIVE right after creating it, and no one else can be creating one in a
 * home this process holds) and no table holds an item, so nothing is lost by starting afresh. A stuck table
 * beside data is not repaired here: the error names the command that resets the home.
 */
async function halfCreated(client: DynamoDBClient, home: LocalHome): Promise<boolean> {
  const names = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  let stuck = false;
  let data = false;
  for (const TableName of names) {
    const status = (await client.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus;
    if (status === 'CREATING') stuck = true;
    else if ((await client.send(new ScanCommand({ TableName, Limit: 1 }))).Count) data = true;
  }
  if (!stuck) return false;
  if (!data) return true;
  throw new HomeDamagedError(
    `${home.root}: a table of the home's database never finished being created, and the database holds data. ` +
      `Set the database aside and start afresh with: mv ${shellQuote(home.db)} ${shellQuote(`${home.db}.damaged`)}`,
  );
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
