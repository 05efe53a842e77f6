/**
 * No look-ahead: evaluating a corpus strategy as of day D with the full bundled data gives exactly the same
 * weights (to the last digit of the strings) and the same trace as with data that ends on D — whether the
 * snapshot is truncated (`PriceHistory.truncate`) or the bars are loaded with `to: D`.
 */
import { readFileSync } from 'node:fs';
import {
  analyzeStrategy,
  createStrategyEvaluator,
  PriceHistory,
  parseStrategy,
  type Strategy,
  type StrategyEvaluator,
} from '@ensemble/core';
import { createBundledMarketData } from '@ensemble/market-data';
import { beforeAll, describe, expect, it } from 'vitest';

const CORPUS = new URL('./fixtures/corpus/', import.meta.url);
const FILES = ['ftlt/tqqq_ftlt.clj', 'vox_the_best.clj', 'hedged_sector_rotator.clj', 'kmlm_switcher.clj'];
const DATES = ['2023-01-03', '2024-06-03', '2025-03-03', '2025-08-08'];

const data = createBundledMarketData();
let known: Set<string>;

async function load(strategy: Strategy, to?: string): Promise<PriceHistory> {
  const symbols = analyzeStrategy(strategy).symbols.filter((s) => known.has(s));
  const bars = await data.loadBars({ symbols, ...(to ? { to } : {}) });
  return PriceHistory.fromSeries(bars.values());
}

describe('no look-ahead', () => {
  beforeAll(async () => {
    known = new Set(await data.listSymbols());
  });

  describe.each(FILES)('%s', (file) => {
    const strategy = parseStrategy(readFileSync(new URL(file, CORPUS), 'utf8'), file);
    let full: PriceHistory;
    /** One evaluator reused across dates, first asked about the last session: its curves reach the end. */
    let shared: StrategyEvaluator;

    beforeAll(async () => {
      full = await load(strategy);
      shared = createStrategyEvaluator(strategy, full);
      shared.evaluate(full.dates[full.length - 1]!);
    });

    it.each(DATES)(
      'as of %s: full data = data truncated after the as-of session (fresh or reused evaluator)',
      async (asOf) => {
        // Arrange
        const t = full.indexOnOrBefore(asOf);
        expect(full.dates[t]! < full.dates[full.length - 1]!).toBe(true);
        const truncated = full.truncate(t);
        const loadedTo = await load(strategy, asOf);
        // Act
        const want = createStrategyEvaluator(strategy, full).evaluate(asOf, { trace: true });
        const cut = createStrategyEvaluator(strategy, truncated).evaluate(asOf, { trace: true });
        const fromTo = createStrategyEvaluator(strategy, loadedTo).evaluate(asOf, { trace: true });
        const reused = shared.evaluate(asOf, { trace: true });
        // Assert: same session, same weight strings, same trace (every compared value and score)
        expect(Object.keys(want.weights).length).toBeGreaterThan(0);
        expect(cut).toEqual(want);
        expect(fromTo).toEqual(want);
        expect(reused).toEqual(want);
      },
    );
  });
});
