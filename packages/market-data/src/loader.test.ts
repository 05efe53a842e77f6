import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { MarketDataInvalidError } from '@ensemble/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvMarketData, fileStemToSymbol, symbolToFileStem } from './loader.ts';

const fixture = (...parts: string[]): string =>
  fileURLToPath(new URL(`./__fixtures__/${parts.join('/')}`, import.meta.url));

/** Awaits `p`, expecting a MarketDataInvalidError, and returns it. */
const invalid = async (p: Promise<unknown>): Promise<MarketDataInvalidError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MarketDataInvalidError);
  return err as MarketDataInvalidError;
};

describe('symbolToFileStem', () => {
  it('maps / to - and back', () => {
    // Arrange
    const symbol = 'BRK/B';

    // Act
    const stem = symbolToFileStem(symbol);

    // Assert
    expect(stem).toBe('BRK-B');
    expect(fileStemToSymbol(stem)).toBe(symbol);
  });
});

describe('CsvMarketData', () => {
  let dir: string;

  // A directory with AAA gzipped (full OHLCV), BRK/B plain (close only) and an unrelated file.
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'market-data-'));
    await writeFile(join(dir, 'AAA.csv.gz'), gzipSync(await readFile(fixture('good', 'AAA.csv'))));
    await copyFile(fixture('good', 'BRK-B.csv'), join(dir, 'BRK-B.csv'));
    await writeFile(join(dir, 'README.md'), '# not a bar file\n');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the symbols of the directory, sorted, / restored', async () => {
    // Arrange
    const md = new CsvMarketData(dir);

    // Act
    const symbols = await md.listSymbols();

    // Assert
    expect(symbols).toEqual(['AAA', 'BRK/B']);
  });

  it('reads a gz file and a plain file', async () => {
    // Arrange
    const md = new CsvMarketData(dir);

    // Act
    const bars = await md.loadBars({ symbols: ['AAA', 'BRK/B'] });

    // Assert
    expect([...bars.keys()]).toEqual(['AAA', 'BRK/B']);
    const aaa = bars.get('AAA')!;
    expect(aaa.symbol).toBe('AAA');
    expect(aaa.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08']);
    expect([...aaa.closes]).toEqual([10.5, 11.5, 11, 11.25, 12]);
    const brk = bars.get('BRK/B')!;
    expect(brk.symbol).toBe('BRK/B');
    expect(brk.dates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    expect([...brk.closes]).toEqual([350.25, 352, 349.5]);
  });

  it('leaves unknown symbols out of the result', async () => {
    // Arrange
    const md = new CsvMarketData(dir);

    // Act
    const bars = await md.loadBars({ symbols: ['AAA', 'NOPE', 'README', '../good/AAA'] });

    // Assert
    expect([...bars.keys()]).toEqual(['AAA']);
  });

  it('keeps the rows within [from, to]', async () => {
    // Arrange
    const md = new CsvMarketData(dir);

    // Act
    const toOnly = await md.loadBars({ symbols: ['AAA'], to: '2024-01-04' });
    const between = await md.loadBars({ symbols: ['AAA'], from: '2024-01-03', to: '2024-01-06' });
    const fromOnly = await md.loadBars({ symbols: ['AAA'], from: '2024-01-05' });
    const exact = await md.loadBars({ symbols: ['AAA'], from: '2024-01-04', to: '2024-01-04' });

    // Assert
    expect(toOnly.get('AAA')!.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);
    expect([...toOnly.get('AAA')!.closes]).toEqual([10.5, 11.5, 11]);
    expect(between.get('AAA')!.dates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    expect([...between.get('AAA')!.closes]).toEqual([11.5, 11, 11.25]);
    expect(fromOnly.get('AAA')!.dates).toEqual(['2024-01-05', '2024-01-08']);
    expect(exact.get('AAA')!.dates).toEqual(['2024-01-04']);
  });

  it('returns an empty series for a known symbol with no row in the range', async () => {
    // Arrange
    const md = new CsvMarketData(dir);

    // Act
    const before = await md.loadBars({ symbols: ['BRK/B'], to: '2024-01-02' });
    const after = await md.loadBars({ symbols: ['BRK/B'], from: '2024-02-01' });
    const inverted = await md.loadBars({ symbols: ['BRK/B'], from: '2024-01-05', to: '2024-01-03' });

    // Assert
    for (const bars of [before, after, inverted]) {
      expect(bars.get('BRK/B')!.dates).toEqual([]);
      expect(bars.get('BRK/B')!.closes.length).toBe(0);
    }
  });

  it('rejects bounds that are not ISO dates', async () => {
    // Arrange
    const md = new CsvMarketData(dir);

    // Act
    const bad = md.loadBars({ symbols: ['AAA'], to: '2024/01/04' });

    // Assert
    await expect(bad).rejects.toThrow(RangeError);
  });

  it('loads open, high, low, close and volume, NaN for close-only rows', async () => {
    // Arrange
    const md = new CsvMarketData(dir);

    // Act
    const aaa = await md.loadOhlcv('AAA', '2024-01-03');
    const brk = await md.loadOhlcv('BRK/B');
    const none = await md.loadOhlcv('NOPE');

    // Assert
    expect(aaa).toEqual({
      symbol: 'AAA',
      dates: ['2024-01-02', '2024-01-03'],
      open: Float64Array.of(10, 10.5),
      high: Float64Array.of(11, 12),
      low: Float64Array.of(9.5, 10),
      close: Float64Array.of(10.5, 11.5),
      volume: Float64Array.of(1000, 2000),
    });
    expect(brk!.dates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    expect([...brk!.close]).toEqual([350.25, 352, 349.5]);
    for (const column of [brk!.open, brk!.high, brk!.low, brk!.volume]) {
      expect(column).toHaveLength(3);
      expect([...column].every(Number.isNaN)).toBe(true);
    }
    expect(none).toBeUndefined();
  });

  it('is a snapshot: files are read once per instance, and callers get copies', async () => {
    // Arrange
    const md = new CsvMarketData(dir);
    const first = await md.loadBars({ symbols: ['BRK/B'] });
    first.get('BRK/B')!.closes[0] = -1;
    await writeFile(join(dir, 'BRK-B.csv'), 'date,open,high,low,close,volume\n2030-01-02,,,,1,\n');

    // Act
    const again = await md.loadBars({ symbols: ['BRK/B'] });
    const fresh = await new CsvMarketData(dir).loadBars({ symbols: ['BRK/B'] });

    // Assert
    expect([...again.get('BRK/B')!.closes]).toEqual([350.25, 352, 349.5]);
    expect(fresh.get('BRK/B')!.dates).toEqual(['2030-01-02']);
  });

  it('serves repeated and parallel requests from one read of the file', async () => {
    // Arrange
    const md = new CsvMarketData(dir);

    // Act
    const [a, b] = await Promise.all([
      md.loadBars({ symbols: ['AAA', 'AAA'] }),
      md.loadOhlcv('AAA').then(async (o) => {
        await rm(join(dir, 'AAA.csv.gz'));
        return o;
      }),
    ]);
    const c = await md.loadBars({ symbols: ['AAA'] });

    // Assert
    expect(a.get('AAA')!.dates).toHaveLength(5);
    expect(b!.dates).toHaveLength(5);
    expect(c.get('AAA')!.dates).toHaveLength(5);
  });

  it('rejects a symbol that has both a .csv and a .csv.gz file', async () => {
    // Arrange
    await copyFile(fixture('good', 'AAA.csv'), join(dir, 'AAA.csv'));
    const md = new CsvMarketData(dir);

    // Act
    const err = await invalid(md.loadBars({ symbols: ['AAA'] }));

    // Assert
    expect(err.message).toMatch(/ambiguous data for AAA: AAA\.csv and AAA\.csv\.gz both exist/);
    expect(err.symbol).toBe('AAA');
  });

  it('rejects a .gz file that is not gzip', async () => {
    // Arrange
    await copyFile(fixture('good', 'BRK-B.csv'), join(dir, 'CCC.csv.gz'));
    const md = new CsvMarketData(dir);

    // Act
    const err = await invalid(md.loadBars({ symbols: ['CCC'] }));

    // Assert
    expect(err.message).toMatch(new RegExp(`^${join(dir, 'CCC.csv.gz')}: not a valid gzip file`));
  });

  it('rejects a missing directory', async () => {
    // Arrange
    const md = new CsvMarketData(join(dir, 'missing'));

    // Act
    const err = await invalid(md.loadBars({ symbols: ['AAA'] }));

    // Assert
    expect(err.message).toMatch(/cannot read market data directory .*missing/);
  });

  it.each([
    [
      'bad_header',
      1,
      'bad header "Date,Open,High,Low,Close,Volume", expected "date,open,high,low,close,volume"',
    ],
    ['bad_date', 3, 'bad date "01/03/2024", expected YYYY-MM-DD'],
    ['impossible_date', 3, 'bad date "2023-02-29", expected YYYY-MM-DD'],
    ['unsorted', 4, 'date 2024-01-03 is not after 2024-01-04 (dates must ascend)'],
    ['duplicate', 4, 'duplicate date 2024-01-03'],
    ['empty_close', 3, 'empty close'],
    ['zero_close', 4, 'close 0 must be > 0'],
    ['negative_close', 2, 'close -10 must be > 0'],
    ['nan_close', 3, 'close "NaN" is not a number'],
    ['short_row', 3, 'expected 6 fields, found 5'],
  ])('rejects %s.csv at line %i', async (symbol, line, problem) => {
    // Arrange
    const md = new CsvMarketData(fixture('bad'));

    // Act
    const err = await invalid(md.loadBars({ symbols: ['AAA', symbol] }));

    // Assert
    expect(err.message).toBe(`${fixture('bad', `${symbol}.csv`)}:${line}: ${problem}`);
    expect(err.symbol).toBe(symbol);
    expect(err.retryable).toBe(false);
  });
});
