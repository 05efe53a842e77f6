/**
 * The bars bundled with this package: `data/bars/SYMBOL.csv.gz` for the 290 symbols of the strategy files,
 * and `data/bars/MANIFEST.json` describing them (written by `scripts/bundle.ts`; provenance in
 * `data/README.md`). Each file is checked against the manifest's SHA-256 when it is first read (the
 * manifest is read once per process): a file changed since it was bundled is refused, and only the
 * strategies reading its symbol are BLOCKED.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MarketDataInvalidError } from '@ensemble/core';
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
export const createBundledMarketData = (): CsvMarketData =>
  new CsvMarketData(bundledDataDir(), { verify: verifyAgainstManifest });

/** Reads the manifest of the bundled bars. */
export const readBundledManifest = async (): Promise<BarsManifest> =>
  JSON.parse(await readFile(join(bundledDataDir(), MANIFEST_FILE), 'utf8')) as BarsManifest;

/** The manifest, read once per process (read again after a failed read). */
let manifest: Promise<BarsManifest> | undefined;

/** Refuses a bundled file whose uncompressed bytes are not those the manifest's SHA-256 describes. */
export const verifyAgainstManifest = async (file: string, symbol: string, bytes: Buffer): Promise<void> => {
  manifest ??= readBundledManifest().catch((e: unknown) => {
    manifest = undefined;
    throw new MarketDataInvalidError(
      `${join(bundledDataDir(), MANIFEST_FILE)}: cannot read the bundled bars' manifest: ${(e as Error).message}`,
      symbol,
    );
  });
  const entry = (await manifest).symbols[symbol];
  const path = join(bundledDataDir(), file);
  const restore = 'restore the bundled bars with: git checkout -- packages/market-data/data/bars';
  if (!entry || entry.file !== file)
    throw new MarketDataInvalidError(`${path}: not listed in ${MANIFEST_FILE} (${restore})`, symbol);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== entry.sha256) {
    throw new MarketDataInvalidError(
      `${path}: SHA-256 ${sha.slice(0, 12)}… differs from ${MANIFEST_FILE}'s ${entry.sha256.slice(0, 12)}…: ` +
        `the file changed since it was bundled (${restore})`,
      symbol,
    );
  }
};
