/**
 * The bundled bars are checked against their manifest's SHA-256 when read, and one bad file fails only its
 * own symbol (`loadBarsChecked`).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledDataDir, createBundledMarketData, verifyAgainstManifest } from './bundled.ts';
import { CsvMarketData } from './loader.ts';

const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

/** A copy of some bundled files; `edit` rewrites one file's CSV text. */
const copyOf = async (symbols: string[], edit?: { symbol: string; text: (csv: string) => string }) => {
  const dir = await mkdtemp(join(tmpdir(), 'ensemble-bars-'));
  made.push(dir);
  for (const s of symbols) await cp(join(bundledDataDir(), `${s}.csv.gz`), join(dir, `${s}.csv.gz`));
  if (edit) {
    const path = join(dir, `${edit.symbol}.csv.gz`);
    const csv = gunzipSync(await readFile(path)).toString('utf8');
    await writeFile(path, gzipSync(edit.text(csv)));
  }
  return dir;
};

describe('the bundled bars against their manifest', () => {
  it('reads every bundled file (the manifest matches what is bundled)', async () => {
    const data = createBundledMarketData();
    const { bars, problems } = await data.loadBarsChecked({ symbols: await data.listSymbols() });
    expect(problems.size).toBe(0);
    expect(bars.size).toBe(290);
  });

  it('refuses a file changed since it was bundled, naming the file and the way back; the others load', async () => {
    const dir = await copyOf(['UGL', 'GLD'], {
      symbol: 'UGL',
      text: (csv) =>
        csv.replace(/,([\d.]+),(\d+)\n$/, (_, c: string, v: string) => `,${Number(c) * 100},${v}\n`),
    });
    const data = new CsvMarketData(dir, { verify: verifyAgainstManifest });
    const { bars, problems } = await data.loadBarsChecked({ symbols: ['UGL', 'GLD'] });
    expect([...bars.keys()]).toEqual(['GLD']);
    expect(problems.get('UGL')?.message).toMatch(
      /UGL\.csv\.gz: SHA-256 [0-9a-f]{12}… differs from MANIFEST\.json's [0-9a-f]{12}…: the file changed since it was bundled \(restore the bundled bars with: git checkout -- packages\/market-data\/data\/bars\)/,
    );
    await expect(data.loadBars({ symbols: ['UGL', 'GLD'] })).rejects.toThrow(/SHA-256/);
  });
});

describe('one malformed file fails only its symbol', () => {
  it.each([
    [
      'a NaN close',
      (csv: string) =>
        csv.replace(/\n(\d{4}-\d\d-\d\d),([^,\n]*),([^,\n]*),([^,\n]*),[\d.]+,/, '\n$1,$2,$3,$4,NaN,'),
    ],
    [
      'a negative close',
      (csv: string) =>
        csv.replace(/\n(\d{4}-\d\d-\d\d),([^,\n]*),([^,\n]*),([^,\n]*),[\d.]+,/, '\n$1,$2,$3,$4,-5,'),
    ],
    ['a duplicate date', (csv: string) => csv.replace(/\n(\d{4}-\d\d-\d\d)(,[^\n]*)\n/, '\n$1$2\n$1$2\n')],
    ['a bad header', (csv: string) => csv.replace(/^date,/, 'day,')],
  ])('%s', async (_, text) => {
    const dir = await copyOf(['UGL', 'GLD'], { symbol: 'UGL', text });
    const { bars, problems } = await new CsvMarketData(dir).loadBarsChecked({ symbols: ['UGL', 'GLD'] });
    expect([...bars.keys()]).toEqual(['GLD']);
    expect(problems.get('UGL')?.name).toBe('MarketDataInvalidError');
    expect(problems.get('UGL')?.message).toContain('UGL.csv.gz:');
  });
});
