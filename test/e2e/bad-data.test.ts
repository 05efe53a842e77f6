/**
 * Bad market data, as an operator meets it: `ensemble run --data DIR` and `ensemble signals --data DIR` on a
 * copy of the bundled bars with one fault per symbol — a close 100× on the day (UGL, read by gold alone),
 * a close of 1e-300 (SOXS: soxl-growth), a NaN row (FXI: rains-em-dancer), a session missing (BKT:
 * rains-concise-em), a bad header (TECS: simons-full-kmlm). Each BLOCKS only the strategy reading it, with
 * the true reason; every other strategy trades as on a clean day. And the Alpaca path: a 100× SPY bar served
 * by the fake Alpaca server is refused the same way.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { alpacaFromEnv } from '@ensemble/alpaca';
import { createFakeAlpacaServer } from '@ensemble/alpaca/fake';
import { assertSymbolsFit, buildMarketSnapshot, loadedSnapshotOf } from '@ensemble/app';
import { closePricesFrom, createMemorySimBrokerStore, createSimBroker } from '@ensemble/broker';
import { loadConfig } from '@ensemble/config';
import { type BarSeries, type MarketData, runInstant } from '@ensemble/core';
import { bundledDataDir, createBundledMarketData } from '@ensemble/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDirs } from '../support/cli.ts';

const DAY = '2025-11-28';
const dirs = tempDirs('ensemble-bad-data-');
afterAll(dirs.cleanup);

/** Rewrites the prices (open, high, low, close) of the trading day's row of a bar file with `f`. */
const onDay = (f: (x: number) => number) => (csv: string) =>
  csv
    .split('\n')
    .map((line) => {
      if (!line.startsWith(`${DAY},`)) return line;
      const [date, ...fields] = line.split(',');
      const volume = fields.pop();
      return [date, ...fields.map((x) => (x === '' ? '' : String(f(Number(x))))), volume].join(',');
    })
    .join('\n');

const FAULTS: Record<string, (csv: string) => string> = {
  UGL: onDay((x) => x * 100),
  SOXS: onDay(() => 1e-300),
  FXI: (csv) =>
    csv.replace(
      /\n(2025-11-20),([^\n]*)\n/,
      (_, d: string, rest: string) => `\n${d},${rest.replace(/^([^,]*,[^,]*,[^,]*,)[^,]*/, '$1NaN')}\n`,
    ),
  BKT: (csv) => csv.replace(/\n2025-11-20,[^\n]*/, ''),
  TECS: (csv) => csv.replace(/^date,/, 'Date,'),
};

/** What each fault must block, and the reason it must give. */
const BLOCKED: Record<string, { error: string; message: RegExp }> = {
  gold: {
    error: 'PriceSuspectError',
    message:
      /^UGL: close [\d.]+ on 2025-11-28 after [\d.]+ \(\+\d{4,5}\.\d%\) moved \d+ times the 20-session average range/,
  },
  'soxl-growth': {
    error: 'PriceSuspectError',
    message: /^SOXS: close 1e-300 on 2025-11-28 is not a believable price/,
  },
  'rains-em-dancer': {
    error: 'MarketDataInvalidError',
    message: /FXI\.csv\.gz:\d+: close "NaN" is not a number/,
  },
  'rains-concise-em': {
    error: 'MissingDataError',
    message: /^BKT: gap: no bar on 2025-11-20 \(between 2025-11-19 and 2025-11-21\)/,
  },
  'simons-full-kmlm': { error: 'MarketDataInvalidError', message: /TECS\.csv\.gz:1: bad header "Date,open/ },
};

let data: string;

beforeAll(async () => {
  data = await dirs.make();
  await cp(bundledDataDir(), data, { recursive: true });
  for (const [symbol, fault] of Object.entries(FAULTS)) {
    const path = join(data, `${symbol}.csv.gz`);
    const before = gunzipSync(await readFile(path)).toString('utf8');
    const after = fault(before);
    expect(after, symbol).not.toBe(before);
    await writeFile(path, gzipSync(after));
  }
});

interface DayJson {
  strategies: {
    id: string;
    flow: string;
    outcome: string;
    error?: { name: string; message: string };
    orders: unknown[];
  }[];
  reconciliation: { ok: boolean };
  next?: string;
}

describe('ensemble run --data DIR with one bad symbol per strategy', () => {
  it('blocks exactly the strategies reading a bad symbol, each with its true reason; the others trade', async () => {
    const home = await dirs.make();
    const r = await runCli(['run', '--json', '--home', home, '--date', DAY, '--data', data]);
    expect(r.code, r.err.join('\n')).toBe(1);
    const day = JSON.parse(r.out.at(-1)!) as DayJson;
    for (const s of day.strategies) {
      const expected = BLOCKED[s.id];
      if (!expected) {
        expect([s.id, s.outcome]).toEqual([s.id, s.flow === 'aggregated' ? s.outcome : 'TRADED']);
        continue;
      }
      expect([s.id, s.outcome, s.error?.name]).toEqual([s.id, 'BLOCKED', expected.error]);
      expect(s.error?.message).toMatch(expected.message);
      expect(s.orders).toEqual([]);
    }
    expect(day.reconciliation.ok).toBe(true);
    // Nothing recovers a day blocked by its data (the run keeps its snapshot): the output says what to fix.
    expect(day.next).toMatch(/^fix the market data \(/);
  }, 180_000);

  it('signals blocks the same strategies with the same reasons, and exits 1', async () => {
    const r = await runCli(['signals', '--json', '--date', DAY, '--data', data]);
    expect(r.code).toBe(1);
    const { strategies } = JSON.parse(r.out[0]!) as {
      strategies: { id: string; outcome: string; error?: string }[];
    };
    for (const s of strategies) {
      const expected = BLOCKED[s.id];
      expect([s.id, s.outcome]).toEqual([s.id, expected ? 'BLOCKED' : 'EVALUATED']);
      if (!expected) continue;
      expect(s.error?.startsWith(`${expected.error}: `)).toBe(true);
      expect(s.error?.slice(expected.error.length + 2)).toMatch(expected.message);
    }
  }, 120_000);

  it('refuses --data with the Alpaca broker (Alpaca serves its own bars)', async () => {
    const r = await runCli(['run', '--broker', 'alpaca', '--data', data, '--home', await dirs.make()]);
    expect(r.code).toBe(2);
  });
});

describe('the Alpaca path', () => {
  it('a 100× SPY bar served by Alpaca is refused: the strategies reading SPY are BLOCKED, nothing is priced on it', async () => {
    // The fake Alpaca server serves the bundled bars with SPY's close on the day times 100.
    const bundled = createBundledMarketData();
    const tampered: MarketData = {
      async loadBars(q) {
        const bars = await bundled.loadBars(q);
        const spy = bars.get('SPY');
        if (spy) bars.set('SPY', times100OnDay(spy));
        return bars;
      },
    };
    const broker = createSimBroker({
      store: createMemorySimBrokerStore(),
      prices: closePricesFrom(bundled),
      clock: () => runInstant(DAY),
    });
    const fake = await createFakeAlpacaServer({ broker, marketData: tampered, keyId: 'PKDATA' });
    try {
      const alpaca = alpacaFromEnv({
        APCA_API_KEY_ID: 'PKDATA',
        APCA_API_SECRET_KEY: 'data-secret',
        APCA_API_BASE_URL: fake.url,
        APCA_API_DATA_URL: fake.url,
      });
      const config = await loadConfig(join(REPO_ROOT, 'strategies/ensemble.config.yaml'));
      const symbols = config.strategies.flatMap((s) => s.requirements.symbols);
      const snapshot = loadedSnapshotOf(await buildMarketSnapshot(alpaca.marketData, symbols, DAY));
      expect(Object.keys(snapshot.problems)).toEqual(['SPY']);
      expect(snapshot.problems.SPY).toMatch(
        /^suspect: close [\d.]+ on 2025-11-28 after [\d.]+ \(\+\d{4,5}\.\d%\)/,
      );
      expect(snapshot.prices.SPY).toBeUndefined();
      const readsSpy = config.strategies.filter((s) => s.requirements.symbols.includes('SPY'));
      expect(readsSpy.map((s) => s.id)).toContain('tqqq-ftlt-2');
      for (const s of readsSpy)
        expect(() => assertSymbolsFit(snapshot, s.requirements.symbols)).toThrow(/^SPY: close/);
      const gold = config.strategies.find((s) => s.id === 'gold')!;
      expect(() => assertSymbolsFit(snapshot, gold.requirements.symbols)).not.toThrow();
    } finally {
      await fake.close();
    }
  }, 120_000);
});

const times100OnDay = (s: BarSeries): BarSeries => {
  const k = s.dates.indexOf(DAY);
  const scale = (a: Float64Array | undefined) => {
    if (!a) return a;
    const out = Float64Array.from(a);
    if (k >= 0) out[k]! *= 100;
    return out;
  };
  return {
    ...s,
    closes: scale(s.closes)!,
    ...(s.highs ? { highs: scale(s.highs)! } : {}),
    ...(s.lows ? { lows: scale(s.lows)! } : {}),
  };
};
