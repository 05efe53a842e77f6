/**
 * The Lambda context builds its broker and market data on first use: a function without the Alpaca keys
 * (every function whose step never calls them, see stacks/manifest.ts) starts fine and fails with the typed
 * error only when it first uses one; the live-trading guard still runs before any request.
 */

import { createFakeAlpacaServer, type FakeAlpacaServer } from '@ensemble/alpaca/fake';
import type { Ports } from '@ensemble/app';
import { DEFAULT_CONFIG } from '@ensemble/app/testing';
import { closePricesFrom, createMemorySimBrokerStore, createSimBroker } from '@ensemble/broker';
import { createBundledMarketData } from '@ensemble/market-data';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { contextFromEnv } from './context-from-env.ts';
import { readEnv } from './env.ts';
import { lazyBroker, lazyMarketData, memoize } from './lazy-ports.ts';
import { tradingPorts } from './trading-ports.ts';

/** The ports of a trading function's context, built from `env`. */
const portsFromEnv = async (
  env: Record<string, string | undefined>,
): Promise<Ports & { stage: string; strategies: number }> => {
  const app = await contextFromEnv(tradingPorts, env);
  return { ...app.ports, stage: app.stage, strategies: app.config.strategies.length };
};

const BASE = {
  AWS_REGION: 'us-east-1',
  ENSEMBLE_TABLE: 'ensemble-test',
  ENSEMBLE_BUCKET: 'ensemble-artifacts',
  ENSEMBLE_STAGE: 'dev',
  ENSEMBLE_BROKER: 'alpaca',
  ENSEMBLE_CONFIG: DEFAULT_CONFIG,
};
const KEY_ID = 'PKLAZYTEST000000001';
const SECRET = 'lazy-test-secret-0123456789';
const ORDER = {
  clientOrderId: 'dev-2025-11-26-x',
  symbol: 'SPY',
  side: 'buy',
  qty: '1',
  type: 'market',
  timeInForce: 'day',
} as const;

/** The error `promise` rejects with. */
const rejection = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
};

// contextFromEnv logs "context ready" through Powertools (stdout): keep the test output clean.
beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('contextFromEnv with ENSEMBLE_BROKER=alpaca and no Alpaca keys', () => {
  it('builds the context, and the broker fails with EnvInvalidError only when first used', async () => {
    // Act
    const runtime = await portsFromEnv(BASE);
    // Assert: everything a non-trading step needs is there; the broker's kind is known without keys
    expect(runtime.stage).toBe('dev');
    expect(runtime.strategies).toBeGreaterThan(0);
    expect(runtime.broker.kind).toBe('alpaca-paper');
    const error = await rejection(runtime.broker.getClock());
    expect(error.name).toBe('EnvInvalidError');
    expect(error.message).toMatch(/APCA_API_KEY_ID and APCA_API_SECRET_KEY are required/);
    // Every later call fails the same way (a failed build is not kept), orders included.
    expect((await rejection(runtime.broker.submitOrder(ORDER))).name).toBe('EnvInvalidError');
  });

  it('fails the same way on the first bar load', async () => {
    const runtime = await portsFromEnv(BASE);
    const error = await rejection(runtime.marketData.loadBars({ symbols: ['SPY'], to: '2025-11-26' }));
    expect(error.name).toBe('EnvInvalidError');
  });

  it('never echoes a secret when only one of the pair is set', async () => {
    const runtime = await portsFromEnv({ ...BASE, APCA_API_SECRET_KEY: SECRET });
    const error = await rejection(runtime.broker.getAccount());
    expect(error.name).toBe('EnvInvalidError');
    expect(error.message).not.toContain(SECRET);
  });
});

describe('contextFromEnv with the Alpaca keys, against the fake Alpaca server on loopback', () => {
  let fake: FakeAlpacaServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Arrange: a SimBroker account on the bundled bars behind the fake's Alpaca HTTP API.
    const bundled = createBundledMarketData();
    const sim = createSimBroker({
      store: createMemorySimBrokerStore(),
      prices: closePricesFrom(bundled),
      clock: () => new Date('2025-11-26T20:45:00Z'),
    });
    fake = await createFakeAlpacaServer({
      broker: sim,
      marketData: bundled,
      symbols: ['SPY'],
      keyId: KEY_ID,
      secret: SECRET,
    });
    env = {
      ...BASE,
      APCA_API_KEY_ID: KEY_ID,
      APCA_API_SECRET_KEY: SECRET,
      APCA_API_BASE_URL: fake.url,
      APCA_API_DATA_URL: fake.url,
    };
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('sends nothing at build; the first call builds the adapter and reaches Alpaca', async () => {
    // Act
    const before = fake.requests.length;
    const runtime = await portsFromEnv(env);
    const built = fake.requests.length;
    const clock = await runtime.broker.getClock();
    const bars = await runtime.marketData.loadBars({ symbols: ['SPY'], to: '2025-11-26' });
    // Assert
    expect(built).toBe(before);
    expect(clock.timestamp).toBe('2025-11-26T20:45:00.000Z');
    expect(bars.get('SPY')?.dates.at(-1)).toBe('2025-11-26');
    expect(fake.requests.length).toBeGreaterThan(before);
    expect(runtime.broker.kind).toBe('alpaca-paper');
  });

  it('live mode: the live-trading guard refuses the first order with ConfigInvalidError before any request', async () => {
    // Arrange: live mode with a paper key, pointed at a host that is not Alpaca's live one
    const runtime = await portsFromEnv({ ...env, ENSEMBLE_TRADING_MODE: 'live' });
    const before = fake.requests.length;
    // Act
    const error = await rejection(runtime.broker.submitOrder(ORDER));
    // Assert
    expect(runtime.broker.kind).toBe('alpaca-live');
    expect(error.name).toBe('ConfigInvalidError');
    expect(error.message).toMatch(/live mode with a paper key/);
    expect(fake.requests.length).toBe(before);
  });
});

describe('contextFromEnv with ENSEMBLE_BROKER=sim', () => {
  it('needs no Alpaca keys and names its broker sim', async () => {
    const runtime = await portsFromEnv({ ...BASE, ENSEMBLE_BROKER: 'sim' });
    expect(runtime.broker.kind).toBe('sim');
    const bars = await runtime.marketData.loadBars({ symbols: ['SPY'], to: '2025-11-26' });
    expect(bars.get('SPY')?.dates.at(-1)).toBe('2025-11-26');
  });
});

describe('contextFromEnv without trading ports (Evaluate, RecordBranchFailure, AggregatePool)', () => {
  it('has a broker and market data that fail closed on every call, naming the wiring', async () => {
    // Act
    const app = await contextFromEnv(undefined, { ...BASE, ENSEMBLE_BROKER: 'sim' });
    // Assert
    const error = await rejection(app.ports.broker.getClock());
    expect(error.name).toBe('EnvInvalidError');
    expect(error.message).toMatch(/this function has no broker/);
    expect((await rejection(app.ports.broker.submitOrder(ORDER))).name).toBe('EnvInvalidError');
    const bars = await rejection(app.ports.marketData.loadBars({ symbols: ['SPY'], to: '2025-11-26' }));
    expect(bars.message).toMatch(/this function has no market data/);
  });
});

describe('readEnv', () => {
  it('accepts ENSEMBLE_BROKER=alpaca without the keys (they are checked on first use)', () => {
    expect(readEnv(BASE)).toMatchObject({ ENSEMBLE_BROKER: 'alpaca', ENSEMBLE_TRADING_MODE: 'paper' });
  });
});

describe('lazy ports', () => {
  it('build once on the first call, and again only after a failed build', async () => {
    // Arrange: a builder that fails once, then returns a broker answering its call count
    let builds = 0;
    const broker = lazyBroker('sim', () => {
      builds++;
      if (builds === 1) throw new Error('first build fails');
      return { kind: 'sim', listOpenOrders: async () => [] } as never;
    });
    // Act / Assert
    expect(builds).toBe(0);
    await expect(broker.listOpenOrders()).rejects.toThrow('first build fails');
    await expect(broker.listOpenOrders()).resolves.toEqual([]);
    await expect(broker.listOpenOrders()).resolves.toEqual([]);
    expect(builds).toBe(2);
  });

  it('market data and memoize build on first use only', async () => {
    const build = vi.fn(() => ({ loadBars: async () => new Map() }));
    const data = lazyMarketData(build);
    expect(build).not.toHaveBeenCalled();
    await data.loadBars({ symbols: [] });
    await data.loadBars({ symbols: [] });
    expect(build).toHaveBeenCalledTimes(1);
    const value = memoize(() => ({ n: Math.PI }));
    expect(value()).toBe(value());
  });
});
