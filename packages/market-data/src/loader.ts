/**
 * {@link CsvMarketData}: the {@link MarketData} port over a directory of bar files, one per symbol,
 * `SYM.csv` or `SYM.csv.gz` (format: see `csv.ts`). A symbol maps to a file name by replacing `/` with
 * `-` (`BRK/B` → `BRK-B.csv.gz`).
 *
 * One instance is one snapshot of its directory: the listing and every parsed file are cached for the
 * life of the instance and never re-read. Create a new instance to see changes on disk.
 *
 * One malformed file fails only its symbol: `loadBarsChecked` leaves it out with the reason (`loadBars`,
 * the port's plain form, throws it). A `verify` hook sees each file's bytes before they are parsed (the
 * bundled bars check them against their manifest's SHA-256).
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import {
  type BarSeries,
  type CheckedBars,
  type EnsembleError,
  type MarketData,
  MarketDataInvalidError,
} from '@ensemble/core';
import { isIsoDate, type OhlcvColumns, parseBarsCsv } from './csv.ts';

const gunzip = promisify(gunzipCb);

/** All columns of one symbol's bars (copies: the caller may modify them). */
export interface OhlcvSeries extends OhlcvColumns {
  readonly symbol: string;
}

/** File name (without `.csv` / `.csv.gz`) for a symbol: `/` becomes `-`. */
export const symbolToFileStem = (symbol: string): string => symbol.replaceAll('/', '-');

/** Symbol for a file name stem: `-` becomes `/` (the inverse of {@link symbolToFileStem}). */
export const fileStemToSymbol = (stem: string): string => stem.replaceAll('-', '/');

/** Files opened at once, so that large directories do not exhaust file descriptors. */
const MAX_OPEN_FILES = 64;

const FILE_RE = /^(.+)\.csv(\.gz)?$/;

/** Options of {@link CsvMarketData}. */
export interface CsvMarketDataOptions {
  /**
   * Called with each file's name, symbol and uncompressed bytes before they are parsed; throwing (a
   * {@link MarketDataInvalidError}) refuses the file. @default none
   */
  readonly verify?: (file: string, symbol: string, bytes: Buffer) => void | Promise<void>;
}

export class CsvMarketData implements MarketData {
  /** stem → file names found for it (normally exactly one). */
  #listing: Promise<Map<string, string[]>> | undefined;
  /** file name → parsed columns. */
  readonly #files = new Map<string, Promise<OhlcvColumns>>();
  readonly #limit = semaphore(MAX_OPEN_FILES);
  readonly #verify: CsvMarketDataOptions['verify'];

  /** @param dir directory holding `SYM.csv` and/or `SYM.csv.gz` files; other files are ignored. */
  constructor(
    readonly dir: string,
    options: CsvMarketDataOptions = {},
  ) {
    this.#verify = options.verify;
  }

  /** Every symbol with a bar file in the directory, sorted. */
  async listSymbols(): Promise<string[]> {
    const listing = await this.#list();
    return [...listing.keys()].map(fileStemToSymbol).sort();
  }

  /**
   * Closes for each requested symbol, restricted to `from ≤ date ≤ to` (either bound optional). Symbols
   * without a file are absent from the result; a known symbol with no row in the range maps to an empty
   * series. Throws {@link MarketDataInvalidError} if a requested file is malformed.
   */
  async loadBars(query: {
    symbols: readonly string[];
    to?: string;
    from?: string;
  }): Promise<Map<string, BarSeries>> {
    const { bars, problems } = await this.loadBarsChecked(query);
    const first = problems.values().next();
    if (!first.done) throw first.value;
    return bars;
  }

  /**
   * {@link loadBars}, with each malformed or unreadable file left out and its {@link MarketDataInvalidError}
   * in `problems` (the other symbols load). Highs and lows come along (NaN where a file leaves them empty).
   */
  async loadBarsChecked(query: {
    symbols: readonly string[];
    to?: string;
    from?: string;
  }): Promise<CheckedBars> {
    const { to, from } = query;
    checkBound('to', to);
    checkBound('from', from);
    const symbols = [...new Set(query.symbols)];
    const loaded = await Promise.all(
      symbols.map((s) =>
        this.#load(s).catch((e: unknown) => {
          if (e instanceof MarketDataInvalidError) return e;
          throw e;
        }),
      ),
    );
    const bars = new Map<string, BarSeries>();
    const problems = new Map<string, EnsembleError>();
    symbols.forEach((symbol, i) => {
      const cols = loaded[i];
      if (!cols) return;
      if (cols instanceof MarketDataInvalidError) {
        problems.set(symbol, cols);
        return;
      }
      const [lo, hi] = range(cols.dates, from, to);
      bars.set(symbol, {
        symbol,
        dates: cols.dates.slice(lo, hi),
        closes: cols.close.slice(lo, hi),
        highs: cols.high.slice(lo, hi),
        lows: cols.low.slice(lo, hi),
      });
    });
    return { bars, problems };
  }

  /**
   * Open, high, low, close and volume of one symbol with dates ≤ `to` (all rows when absent), `NaN` for
   * fields the file leaves empty. `undefined` if the directory has no file for the symbol.
   */
  async loadOhlcv(symbol: string, to?: string): Promise<OhlcvSeries | undefined> {
    checkBound('to', to);
    const cols = await this.#load(symbol);
    if (!cols) return undefined;
    const [lo, hi] = range(cols.dates, undefined, to);
    return {
      symbol,
      dates: cols.dates.slice(lo, hi),
      open: cols.open.slice(lo, hi),
      high: cols.high.slice(lo, hi),
      low: cols.low.slice(lo, hi),
      close: cols.close.slice(lo, hi),
      volume: cols.volume.slice(lo, hi),
    };
  }

  #list(): Promise<Map<string, string[]>> {
    this.#listing ??= readdir(this.dir, { withFileTypes: true }).then(
      (entries) => {
        const byStem = new Map<string, string[]>();
        for (const e of entries) {
          const m = FILE_RE.exec(e.name);
          if (!m || !(e.isFile() || e.isSymbolicLink())) continue;
          const files = byStem.get(m[1]!);
          if (files) files.push(e.name);
          else byStem.set(m[1]!, [e.name]);
        }
        return byStem;
      },
      (e: unknown) => {
        this.#listing = undefined;
        throw new MarketDataInvalidError(`cannot read market data directory ${this.dir}: ${errorText(e)}`);
      },
    );
    return this.#listing;
  }

  /** Parsed columns of a symbol's file (shared, never handed out), or `undefined` if it has none. */
  async #load(symbol: string): Promise<OhlcvColumns | undefined> {
    const files = (await this.#list()).get(symbolToFileStem(symbol));
    if (!files) return undefined;
    if (files.length > 1) {
      throw new MarketDataInvalidError(
        `${join(this.dir, files[0]!)}: ambiguous data for ${symbol}: ${[...files].sort().join(' and ')} both exist`,
        symbol,
      );
    }
    const file = files[0]!;
    let parsed = this.#files.get(file);
    if (!parsed) {
      parsed = this.#readFile(file, symbol);
      this.#files.set(file, parsed);
      // A failed read is not cached, so a retry reads the file again.
      parsed.catch(() => this.#files.delete(file));
    }
    return parsed;
  }

  async #readFile(file: string, symbol: string): Promise<OhlcvColumns> {
    const path = join(this.dir, file);
    let bytes: Buffer;
    try {
      bytes = await this.#limit(() => readFile(path));
    } catch (e) {
      throw new MarketDataInvalidError(`${path}: cannot read: ${errorText(e)}`, symbol);
    }
    if (file.endsWith('.gz')) {
      try {
        bytes = await gunzip(bytes);
      } catch (e) {
        throw new MarketDataInvalidError(`${path}: not a valid gzip file: ${errorText(e)}`, symbol);
      }
    }
    await this.#verify?.(file, symbol, bytes);
    return parseBarsCsv(bytes.toString('utf8'), path, symbol);
  }
}

const checkBound = (name: string, value: string | undefined): void => {
  if (value !== undefined && !isIsoDate(value)) {
    throw new RangeError(`loadBars: ${name} must be an ISO date YYYY-MM-DD, got "${value}"`);
  }
};

/** Index range `[lo, hi)` of the ascending `dates` that lie within `[from, to]`. */
const range = (
  dates: readonly string[],
  from: string | undefined,
  to: string | undefined,
): [number, number] => {
  const lo = from === undefined ? 0 : lowerBound(dates, (d) => d < from);
  const hi = to === undefined ? dates.length : lowerBound(dates, (d) => d <= to);
  return [lo, Math.max(lo, hi)];
};

/** First index whose date does not satisfy `before` (which must hold for a prefix of `dates`). */
const lowerBound = (dates: readonly string[], before: (d: string) => boolean): number => {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(dates[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** Runs at most `n` tasks at a time. */
const semaphore = (n: number) => {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds `n`.
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
};

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
