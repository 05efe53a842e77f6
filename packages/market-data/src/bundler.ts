/**
 * Copies a directory of bar files (`SYMBOL.csv`) into a package data directory as
 * `bars/SYMBOL.csv.gz` (gzip level 9), writes `bars/MANIFEST.json` and copies the source `README.md`
 * with a provenance header. Every source file is parsed strictly first, so malformed data is never
 * bundled. Used by `scripts/bundle.ts`; not part of the public API.
 */

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants, gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import type { BarsManifest, ManifestEntry } from './bundled.ts';
import { MANIFEST_FILE } from './bundled.ts';
import { parseBarsCsv } from './csv.ts';
import { fileStemToSymbol } from './loader.ts';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

export interface BundleOptions {
  /** Directory holding `SYMBOL.csv` files and optionally `README.md`. */
  readonly srcDir: string;
  /** Package data directory; files go to `<dataDir>/bars/`, the README to `<dataDir>/README.md`. */
  readonly dataDir: string;
  /** How the source is named in the manifest and README header (e.g. a path relative to the repo root). */
  readonly sourceLabel: string;
}

/** Bundles `srcDir` into `dataDir` and returns the manifest it wrote. */
export const bundleBars = async ({ srcDir, dataDir, sourceLabel }: BundleOptions): Promise<BarsManifest> => {
  const barsDir = join(dataDir, 'bars');
  await mkdir(barsDir, { recursive: true });

  const files = (await readdir(srcDir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.csv'))
    .map((e) => e.name)
    .sort();
  if (files.length === 0) throw new Error(`no *.csv files in ${srcDir}`);

  const entries = await Promise.all(
    files.map(async (file): Promise<[string, ManifestEntry]> => {
      const csv = await readFile(join(srcDir, file));
      const symbol = fileStemToSymbol(file.slice(0, -'.csv'.length));
      const { dates } = parseBarsCsv(csv.toString('utf8'), join(srcDir, file), symbol);
      const gz = await gzip(csv, { level: constants.Z_BEST_COMPRESSION });
      if (!(await gunzip(gz)).equals(csv)) throw new Error(`${file}: gzip round trip changed the bytes`);
      const out = `${file}.gz`;
      await writeFile(join(barsDir, out), gz);
      const entry: ManifestEntry = {
        file: out,
        first: dates[0]!,
        last: dates[dates.length - 1]!,
        rows: dates.length,
        sha256: createHash('sha256').update(csv).digest('hex'),
      };
      return [symbol, entry];
    }),
  );

  // Drop bar files from an earlier run whose symbol has left the source.
  const keep = new Set([...files.map((f) => `${f}.gz`), MANIFEST_FILE]);
  for (const name of await readdir(barsDir)) {
    if (!keep.has(name) && /\.csv(\.gz)?$/.test(name)) await rm(join(barsDir, name));
  }

  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const manifest: BarsManifest = { source: sourceLabel, symbols: Object.fromEntries(entries) };
  await writeFile(join(barsDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

  const readme = await readFile(join(srcDir, 'README.md'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (readme !== undefined) await writeFile(join(dataDir, 'README.md'), readmeHeader(sourceLabel) + readme);
  return manifest;
};

const readmeHeader = (sourceLabel: string): string =>
  [
    `> **Bundled copy.** This is \`README.md\` of \`${sourceLabel}\`, copied by`,
    '> `packages/market-data/scripts/bundle.ts` (do not edit; re-run the script). The CSV files it describes',
    '> are stored gzipped in `bars/SYMBOL.csv.gz`, byte-identical to the source once gunzipped;',
    '> `bars/MANIFEST.json` lists each file with its first and last date, row count and the SHA-256 of the',
    '> uncompressed CSV.',
    '',
    '',
  ].join('\n');
