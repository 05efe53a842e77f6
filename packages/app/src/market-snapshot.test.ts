import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BarSeries, MarketData } from '@ensemble/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSymbolsFit,
  buildMarketSnapshot,
  createSnapshotReader,
  snapshotKey,
  storeMarketSnapshot,
} from './market-snapshot.ts';
import { createLocalSnapshotStore, type SnapshotStore } from './snapshot-store.ts';

const series = (symbol: string, rows: [string, number][]): BarSeries => ({
  symbol,
  dates: rows.map(([d]) => d),
  closes: Float64Array.from(rows.map(([, c]) => c)),
});

/** A MarketData over fixed series that records what it was asked. */
const fixed = (all: BarSeries[]) => {
  const asked: { symbols: readonly string[]; to?: string }[] = [];
  const data: MarketData = {
    async loadBars(q) {
      asked.push({ symbols: q.symbols, ...(q.to ? { to: q.to } : {}) });
      const out = new Map<string, BarSeries>();
      for (const s of all) {
        if (!q.symbols.includes(s.symbol)) continue;
        const keep = s.dates.filter((d) => q.to === undefined || d <= q.to).length;
        out.set(s.symbol, {
          symbol: s.symbol,
          dates: s.dates.slice(0, keep),
          closes: s.closes.slice(0, keep),
        });
      }
      return out;
    },
  };
  return { data, asked };
};

const bars = [
  series('AAA', [
    ['2025-01-02', 10],
    ['2025-01-03', 11],
    ['2025-01-06', 12.5],
    ['2025-01-07', 99],
  ]),
  series('BBB', [
    ['2025-01-02', 20],
    ['2025-01-03', 21],
  ]),
  series('CCC', [
    ['2025-01-03', 5],
    ['2025-01-06', 6],
  ]),
];

describe('the market-data snapshot', () => {
  let dir: string;
  let store: SnapshotStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snap-'));
    store = createLocalSnapshotStore(dir);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('fetches each symbol once, never past the day, and marks stale and missing symbols', async () => {
    // Arrange
    const { data, asked } = fixed(bars);
    // Act
    const snap = await buildMarketSnapshot(data, ['BBB', 'AAA', 'AAA', 'ZZZ', 'CCC', 'BBB'], '2025-01-06');
    // Assert
    expect(asked).toEqual([{ symbols: ['AAA', 'BBB', 'CCC', 'ZZZ'], to: '2025-01-06' }]);
    expect(snap.sessions).toEqual(['2025-01-02', '2025-01-03', '2025-01-06']);
    expect(snap.series).toEqual({
      AAA: { first: 0, closes: [10, 11, 12.5] },
      BBB: { first: 0, closes: [20, 21] },
      CCC: { first: 1, closes: [5, 6] },
    });
    expect(snap.problems).toEqual({ BBB: 'stale: last bar 2025-01-03', ZZZ: 'missing: no bars' });
  });

  it('is stored under a content-addressed key and read back with the prices of the day', async () => {
    const snap = await buildMarketSnapshot(fixed(bars).data, ['AAA', 'BBB', 'CCC'], '2025-01-06');
    const ref = await storeMarketSnapshot(store, snap);
    expect(ref).toBe(
      snapshotKey(await buildMarketSnapshot(fixed(bars).data, ['CCC', 'BBB', 'AAA'], '2025-01-06')),
    );
    expect(ref).toMatch(/^snapshots\/2025-01-06\/[0-9a-f]{64}\.json$/);
    expect(await readdir(join(dir, 'snapshots', '2025-01-06'))).toHaveLength(1);
    const loaded = await createSnapshotReader(store).read(ref);
    expect(loaded.prices).toEqual({ AAA: '12.5', CCC: '6' });
    expect(loaded.history.dates).toEqual(snap.sessions);
    expect([...(loaded.history.closes('CCC') ?? [])]).toEqual([Number.NaN, 5, 6]);
    expect(() => assertSymbolsFit(loaded, ['AAA', 'CCC'])).not.toThrow();
    expect(() => assertSymbolsFit(loaded, ['CCC', 'BBB'])).toThrow(
      expect.objectContaining({ name: 'MissingDataError', message: expect.stringMatching(/^BBB: stale/) }),
    );
  });

  it('keeps a snapshot the process stored as a read returns it, without reading it back', async () => {
    // Arrange: a reader over a store that fails every read.
    const snap = await buildMarketSnapshot(fixed(bars).data, ['AAA', 'BBB', 'CCC'], '2025-01-06');
    const ref = await storeMarketSnapshot(store, snap);
    const expected = await createSnapshotReader(store).read(ref);
    const unreadable = { put: store.put, get: () => Promise.reject(new Error('no read expected')) };
    const reader = createSnapshotReader(unreadable);
    // Act
    const kept = reader.remember(ref, snap);
    // Assert: the same prices, history and problems; later reads of the ref are served from memory.
    expect(kept).toEqual(expected);
    expect(await reader.read(ref)).toBe(kept);
  });

  it('prices the day at the broker precision: cents at or above $1, four decimals below', async () => {
    // Arrange: closes as the bundled data store them (doubles with more digits than a broker quotes).
    const fine = [
      series('LOW', [['2025-01-06', 0.123456]]),
      series('MID', [['2025-01-06', 12.345]]),
      series('ONE', [['2025-01-06', 0.99996]]),
    ];
    // Act
    const snap = await buildMarketSnapshot(fixed(fine).data, ['LOW', 'MID', 'ONE'], '2025-01-06');
    const loaded = await createSnapshotReader(store).read(await storeMarketSnapshot(store, snap));
    // Assert: the SimBroker's fill price of each (core's quotePrice); the history keeps the raw closes.
    expect(loaded.prices).toEqual({ LOW: '0.1235', MID: '12.35', ONE: '1' });
    expect([...(loaded.history.closes('LOW') ?? [])]).toEqual([0.123456]);
  });

  it('a missing reference is a SnapshotNotFoundError (never an empty snapshot)', async () => {
    await expect(createSnapshotReader(store).read('snapshots/2025-01-06/nope.json')).rejects.toMatchObject({
      name: 'SnapshotNotFoundError',
    });
  });
});

describe('the local snapshot store', () => {
  it('puts and gets JSON, returns null for an absent key and refuses keys that escape its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'store-'));
    try {
      const store = createLocalSnapshotStore(dir);
      await store.put('a/b.json', { x: [1, 'y'] });
      expect(await store.get('a/b.json')).toEqual({ x: [1, 'y'] });
      expect(await store.get('a/c.json')).toBeNull();
      for (const bad of ['../x', 'a/../../x', '/abs', 'a//b', '']) {
        await expect(store.put(bad, 1), bad).rejects.toThrow(/invalid snapshot key/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
