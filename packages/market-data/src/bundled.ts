/**
 * The bars bundled with this package: `data/bars/SYMBOL.csv.gz` for the 290 symbols of the strategy files,
 * and `data/bars/MANIFEST.json` describing them (written by `scripts/bundle.ts`; provenance in
 * `data/README.md`).
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvMarketData } from './loader.ts';

/** One bundled file as recorded in the manifest. */
export interface ManifestEntry {
  /** File name inside the bars directory, e.g. `BRK-B.csv.gz`. */
  readonly file: string;
  /** First and last session date in the file (ISO). */
  readonly first: string;
  readonly last: string;
  /** Number of data rows (header excluded). */
  readonly rows: number;
  /** SHA-256 (hex) of the uncompressed CSV bytes. */
  readonly sha256: string;
}

/** Contents of `MANIFEST.json`: one entry per symbol (`BRK/B`, not `BRK-B`), keys sorted. */
export interface BarsManifest {
  /** Where the files were copied from (path relative to the repository root when inside its parent). */
  readonly source: string;
  readonly symbols: Readonly<Record<string, ManifestEntry>>;
}

/** Name of the manifest file inside a bars directory. */
export const MANIFEST_FILE = 'MANIFEST.json';

/** Absolute path of the bundled `data/bars` directory. */
export const bundledDataDir = (): string => fileURLToPath(new URL('../data/bars', import.meta.url));

/** A new {@link CsvMarketData} over the bundled bars (a fresh instance, with its own cache, per call). */
export const createBundledMarketData = (): CsvMarketData => new CsvMarketData(bundledDataDir());

/** Reads the manifest of the bundled bars. */
export const readBundledManifest = async (): Promise<BarsManifest> =>
  JSON.parse(await readFile(join(bundledDataDir(), MANIFEST_FILE), 'utf8')) as BarsManifest;
