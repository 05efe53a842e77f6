/**
 * Test fixture: a SimBroker on the bundled bars (memory store, settable clock) behind the fake Alpaca
 * server, and the Alpaca adapters pointed at it through the SDK's `fetchApi`. Used by this package's tests.
 */
import {
  closePricesFrom,
  createMemorySimBrokerStore,
  createSimBroker,
  type SimBroker,
} from '@ensemble/broker';
import type { CorporateActionInput, MarketData } from '@ensemble/core';
import { newYorkToUtc } from '@ensemble/core';
import { createBundledMarketData } from '@ensemble/market-data';
import { type Alpaca, type AlpacaTransport, createAlpaca } from '../config.ts';
import { createFakeAlpacaServer, type FakeAlpacaOptions, type FakeAlpacaServer } from '../fake/index.ts';

export const KEY_ID = 'PKTESTKEY0000000001';
export const SECRET = 'test-secret-0123456789abcdef';

/** A session of the bundled data, and 15:45 New York on it. */
export const SESSION = '2025-11-26';
export const AT_1545 = newYorkToUtc(SESSION, '15:45');

export interface Fixture {
  readonly sim: SimBroker;
  readonly fake: FakeAlpacaServer;
  readonly alpaca: Alpaca;
  /** Moves the broker's clock. */
  setNow(at: Date): void;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Bars the fake serves (default: the bundled bars, also the SimBroker's fill prices). */
  readonly marketData?: MarketData;
  readonly transport?: AlpacaTransport;
  readonly fake?: Partial<FakeAlpacaOptions>;
  readonly feed?: 'iex' | 'sip';
  /** Corporate actions the SimBroker simulates and the fake announces. @default none */
  readonly corporateActions?: readonly CorporateActionInput[];
}

export const startFixture = async (o: FixtureOptions = {}): Promise<Fixture> => {
  const bundled = createBundledMarketData();
  let now = AT_1545;
  const sim = createSimBroker({
    store: createMemorySimBrokerStore(),
    prices: closePricesFrom(bundled),
    clock: () => now,
    nonFractionable: ['BRK/B'],
    ...(o.corporateActions ? { corporateActions: o.corporateActions } : {}),
  });
  const fake = await createFakeAlpacaServer({
    broker: sim,
    marketData: o.marketData ?? bundled,
    symbols: ['SPY', 'QQQ', 'TLT', 'BRK/B', 'GLD'],
    keyId: KEY_ID,
    secret: SECRET,
    ...o.fake,
  });
  const alpaca = createAlpaca(
    { keyId: KEY_ID, secret: SECRET, mode: 'paper', feed: o.feed ?? 'iex' },
    { fetchApi: fake.fetchApi, retry: false, rateLimit: false, ...o.transport },
  );
  return {
    sim,
    fake,
    alpaca,
    setNow: (at) => {
      now = at;
    },
    close: () => fake.close(),
  };
};
