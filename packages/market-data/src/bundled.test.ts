import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BarsManifest,
  bundledDataDir,
  createBundledMarketData,
  readBundledManifest,
} from './bundled.ts';
import { CsvMarketData } from './loader.ts';

describe('bundled bars', () => {
  let manifest: BarsManifest;

  beforeAll(async () => {
    manifest = await readBundledManifest();
  });

  it('lives in the package data/bars directory', () => {
    // Arrange
    const dir = bundledDataDir();

    // Act
    const isAbs = isAbsolute(dir);

    // Assert
    expect(isAbs).toBe(true);
    expect(dir.split(/[\\/]/).slice(-3)).toEqual(['market-data', 'data', 'bars']);
  });

  it('holds exactly the 290 files of the manifest', async () => {
    // Arrange
    const md = createBundledMarketData();

    // Act
    const symbols = await md.listSymbols();
    const files = (await readdir(bundledDataDir())).filter((f) => f.endsWith('.csv.gz')).sort();

    // Assert
    expect(symbols).toHaveLength(290);
    expect(symbols).toEqual(Object.keys(manifest.symbols).sort());
    expect(files).toEqual(
      Object.values(manifest.symbols)
        .map((e) => e.file)
        .sort(),
    );
    expect(symbols).toContain('BRK/B');
    expect(manifest.symbols['BRK/B']!.file).toBe('BRK-B.csv.gz');
  });

  it('loads all 290 symbols, matching the manifest rows and first/last dates', async () => {
    // Arrange
    const md = createBundledMarketData();
    const symbols = Object.keys(manifest.symbols);

    // Act
    const bars = await md.loadBars({ symbols });

    // Assert
    expect(bars.size).toBe(290);
    for (const [symbol, entry] of Object.entries(manifest.symbols)) {
      const s = bars.get(symbol)!;
      expect({ symbol: s.symbol, rows: s.dates.length, first: s.dates[0], last: s.dates.at(-1) }).toEqual({
        symbol,
        rows: entry.rows,
        first: entry.first,
        last: entry.last,
      });
      expect(s.closes).toHaveLength(entry.rows);
    }
  });

  it.each(['SPY', 'BRK/B', 'UNH', 'DVAX', 'AIRO'])(
    '%s gunzips to the bytes hashed in the manifest',
    async (symbol) => {
      // Arrange
      const entry = manifest.symbols[symbol]!;

      // Act
      const csv = gunzipSync(await readFile(join(bundledDataDir(), entry.file)));

      // Assert
      expect(createHash('sha256').update(csv).digest('hex')).toBe(entry.sha256);
    },
  );

  it('has full OHLCV for group A and close only for group B', async () => {
    // Arrange
    const md = new CsvMarketData(bundledDataDir());

    // Act
    const spy = (await md.loadOhlcv('SPY', '2018-01-03'))!;
    const aapl = (await md.loadOhlcv('AAPL', '2018-01-03'))!;

    // Assert
    expect(spy.dates).toEqual(['2018-01-02', '2018-01-03']);
    expect([...spy.open]).toEqual([236.3875, 237.3759]);
    expect([...spy.close]).toEqual([237.2082, 238.7086]);
    expect([...spy.volume]).toEqual([86655700, 90070400]);
    expect([...aapl.close]).toEqual([40.26709, 40.26006]);
    expect([...aapl.open, ...aapl.high, ...aapl.low, ...aapl.volume].every(Number.isNaN)).toBe(true);
  });
});
