import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { MarketDataInvalidError } from '@ensemble/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleBars } from './bundler.ts';
import { CsvMarketData } from './loader.ts';

const goodDir = fileURLToPath(new URL('./__fixtures__/good', import.meta.url));

describe('bundleBars', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'market-data-bundle-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes gzipped copies, a manifest and removes stale files', async () => {
    // Arrange
    await bundleBars({ srcDir: goodDir, dataDir, sourceLabel: 'fixtures' });
    await writeFile(join(dataDir, 'bars', 'OLD.csv.gz'), 'stale');

    // Act
    const manifest = await bundleBars({ srcDir: goodDir, dataDir, sourceLabel: 'fixtures' });

    // Assert
    expect(await readdir(join(dataDir, 'bars'))).toEqual(['AAA.csv.gz', 'BRK-B.csv.gz', 'MANIFEST.json']);
    for (const name of ['AAA.csv', 'BRK-B.csv']) {
      const gz = await readFile(join(dataDir, 'bars', `${name}.gz`));
      expect(gunzipSync(gz).equals(await readFile(join(goodDir, name)))).toBe(true);
    }
    expect(manifest.source).toBe('fixtures');
    expect(Object.keys(manifest.symbols)).toEqual(['AAA', 'BRK/B']);
    expect(manifest.symbols['BRK/B']).toMatchObject({
      file: 'BRK-B.csv.gz',
      first: '2024-01-03',
      last: '2024-01-05',
      rows: 3,
    });
    expect(JSON.parse(await readFile(join(dataDir, 'bars', 'MANIFEST.json'), 'utf8'))).toEqual(manifest);
    const bars = await new CsvMarketData(join(dataDir, 'bars')).loadBars({ symbols: ['AAA', 'BRK/B'] });
    expect(bars.get('AAA')!.dates).toHaveLength(5);
  });

  it('refuses to bundle a malformed source file', async () => {
    // Arrange
    const srcDir = fileURLToPath(new URL('./__fixtures__/bad', import.meta.url));

    // Act
    const run = bundleBars({ srcDir, dataDir, sourceLabel: 'bad' });

    // Assert
    await expect(run).rejects.toBeInstanceOf(MarketDataInvalidError);
  });
});
