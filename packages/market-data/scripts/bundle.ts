/**
 * Bundles the shared market data into this package:
 *
 *     node --import tsx packages/market-data/scripts/bundle.ts [SRC_DIR]
 *
 * SRC_DIR defaults to `../shared/market-data` relative to the repository root. Writes
 * `packages/market-data/data/bars/SYMBOL.csv.gz`, `data/bars/MANIFEST.json` and `data/README.md`.
 */

import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBars } from '../src/bundler.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = fileURLToPath(new URL('../data', import.meta.url));
const srcDir = resolve(process.argv[2] ?? resolve(repoRoot, '../shared/market-data'));
const sourceLabel = relative(repoRoot, srcDir).split('\\').join('/') || '.';

const manifest = await bundleBars({ srcDir, dataDir, sourceLabel });
const entries = Object.values(manifest.symbols);
const rows = entries.reduce((sum, e) => sum + e.rows, 0);
console.log(`bundled ${entries.length} symbols (${rows} rows) from ${srcDir} into ${dataDir}`);
