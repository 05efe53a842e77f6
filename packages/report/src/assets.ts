/**
 * uPlot's script and stylesheet, inlined into every page so it opens without a network. Read from the
 * installed `uplot` package on first use (in Lambda the package is installed next to the bundle: see
 * `install` in stacks/manifest.ts), then kept: it is the library's fixed text, not state.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The library's files a page inlines. */
export interface ChartLibrary {
  readonly name: string;
  readonly version: string;
  readonly script: string;
  readonly stylesheet: string;
}

let loaded: ChartLibrary | undefined;

/** uPlot's minified script and stylesheet, and its version. */
export const chartLibrary = (): ChartLibrary => {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const read = (file: string): string => readFileSync(require.resolve(`uplot/${file}`), 'utf8');
  const manifest: { version: string } = JSON.parse(read('package.json'));
  loaded = {
    name: 'uPlot',
    version: manifest.version,
    script: read('dist/uPlot.iife.min.js'),
    stylesheet: read('dist/uPlot.min.css'),
  };
  return loaded;
};
