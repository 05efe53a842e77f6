import { MarketDataInvalidError } from '@ensemble/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER, isDecimal, isIsoDate, parseBarsCsv } from './csv.ts';

/** Runs `fn`, expecting a MarketDataInvalidError, and returns it. */
const invalid = (fn: () => unknown): MarketDataInvalidError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MarketDataInvalidError);
    return e as MarketDataInvalidError;
  }
  throw new Error('expected a MarketDataInvalidError');
};

const csv = (...rows: string[]): string => `${[CSV_HEADER, ...rows].join('\n')}\n`;

describe('isIsoDate', () => {
  it('accepts real calendar dates only', () => {
    // Arrange
    const good = ['2024-01-02', '2024-02-29', '2000-02-29', '1999-12-31'];
    const bad = [
      '2023-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-1-02',
      '20240102',
      '',
    ];

    // Act
    const results = [...good, ...bad].map(isIsoDate);

    // Assert
    expect(results).toEqual([...good.map(() => true), ...bad.map(() => false)]);
  });
});

describe('isDecimal', () => {
  it('agrees with the decimal-number grammar on arbitrary strings', () => {
    // Arrange
    const grammar = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
    const text = fc.string({ unit: fc.constantFrom(...'0123456789.eE+-x '), maxLength: 12 });

    // Act / Assert
    fc.assert(fc.property(text, (s) => isDecimal(s) === grammar.test(s)));
  });

  it('accepts the usual forms and rejects what Number() would also take', () => {
    // Arrange
    const good = ['1', '-1', '+1.5', '1.', '.5', '1e5', '1.5E-3', '0'];
    const bad = ['', '.', '-', 'e5', '1e', '1e+', '0x10', ' 1', '1 ', 'Infinity', 'NaN', '1_0'];

    // Act
    const results = [...good, ...bad].map(isDecimal);

    // Assert
    expect(results).toEqual([...good.map(() => true), ...bad.map(() => false)]);
  });
});

describe('parseBarsCsv', () => {
  it('parses every column, NaN for empty fields', () => {
    // Arrange
    const text = csv('2024-01-02,10,11,9.5,10.5,1000', '2024-01-03,,,,11.25,');

    // Act
    const bars = parseBarsCsv(text, 'X.csv');

    // Assert
    expect(bars.dates).toEqual(['2024-01-02', '2024-01-03']);
    expect([...bars.open]).toEqual([10, Number.NaN]);
    expect([...bars.high]).toEqual([11, Number.NaN]);
    expect([...bars.low]).toEqual([9.5, Number.NaN]);
    expect([...bars.close]).toEqual([10.5, 11.25]);
    expect([...bars.volume]).toEqual([1000, Number.NaN]);
  });

  it('accepts CRLF line endings, a BOM, no final newline and exponents', () => {
    // Arrange
    const text = `\ufeff${CSV_HEADER}\r\n2024-01-02,,,,1.5e2,\r\n2024-01-03,,,,151,`;

    // Act
    const bars = parseBarsCsv(text, 'X.csv');

    // Assert
    expect(bars.dates).toEqual(['2024-01-02', '2024-01-03']);
    expect([...bars.close]).toEqual([150, 151]);
  });

  it.each([
    ['an empty file', '', 1, /missing header/],
    ['a header only', `${CSV_HEADER}\n`, 1, /no data rows/],
    ['a wrong header', 'date,close\n2024-01-02,1\n', 1, /bad header "date,close"/],
    ['an empty line', csv('2024-01-02,,,,1,', '', '2024-01-03,,,,1,'), 3, /empty line/],
    ['a row with 7 fields', csv('2024-01-02,,,,1,,'), 2, /expected 6 fields, found 7/],
    ['a bad date', csv('2024-1-2,,,,1,'), 2, /bad date "2024-1-2"/],
    [
      'an unsorted date',
      csv('2024-01-03,,,,1,', '2024-01-02,,,,1,'),
      3,
      /2024-01-02 is not after 2024-01-03/,
    ],
    ['a duplicate date', csv('2024-01-02,,,,1,', '2024-01-02,,,,1,'), 3, /duplicate date 2024-01-02/],
    ['an empty close', csv('2024-01-02,1,1,1,,5'), 2, /empty close/],
    ['a zero close', csv('2024-01-02,,,,0,'), 2, /close 0 must be > 0/],
    ['a negative close', csv('2024-01-02,,,,-1.5,'), 2, /close -1.5 must be > 0/],
    ['a NaN close', csv('2024-01-02,,,,NaN,'), 2, /close "NaN" is not a number/],
    ['an Infinity close', csv('2024-01-02,,,,Infinity,'), 2, /close "Infinity" is not a number/],
    ['an overflowing close', csv('2024-01-02,,,,1e999,'), 2, /close "1e999" is not finite/],
    ['a close with spaces', csv('2024-01-02,,,, 1,'), 2, /close " 1" is not a number/],
    ['a zero open', csv('2024-01-02,0,1,1,1,5'), 2, /open 0 must be > 0/],
    ['a bad high', csv('2024-01-02,1,x,1,1,5'), 2, /high "x" is not a number/],
    ['a negative volume', csv('2024-01-02,1,1,1,1,-5'), 2, /volume -5 must be ≥ 0/],
  ])('rejects %s with file:line', (_, text, line, problem) => {
    // Arrange
    const file = 'dir/SYM.csv';

    // Act
    const err = invalid(() => parseBarsCsv(text, file, 'SYM'));

    // Assert
    expect(err.message.startsWith(`${file}:${line}: `)).toBe(true);
    expect(err.message).toMatch(problem);
    expect(err.symbol).toBe('SYM');
    expect(err.name).toBe('MarketDataInvalidError');
  });
});
