/** The strategy corpus and bundled data, as benchmarks use them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeStrategy, PriceHistory, parseStrategy, type Strategy } from '@ensemble/core';
import { createBundledMarketData } from '@ensemble/market-data';

export const CORPUS = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));

export function corpusFiles(): string[] {
  return readdirSync(CORPUS, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.clj'))
    .map((e) => relative(CORPUS, join(e.parentPath, e.name)))
    .sort();
}

export function readCorpus(file: string): string {
  return readFileSync(join(CORPUS, file), 'utf8');
}

/** The bundled bars of the given symbols, as raw series (PriceHistory is built per measurement). */
export async function loadSeries(symbols: Iterable<string>) {
  const bars = await createBundledMarketData().loadBars({ symbols: [...new Set(symbols)] });
  return [...bars.values()];
}

export async function historyFor(strategies: readonly Strategy[]): Promise<PriceHistory> {
  return PriceHistory.fromSeries(await loadSeries(strategies.flatMap((s) => analyzeStrategy(s).symbols)));
}

export function parseCorpus(file: string): Strategy {
  return parseStrategy(readCorpus(file), file);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
