/**
 * Strategy-language benchmarks: parse time, one-date evaluation (cold: fresh snapshot and evaluator, so
 * indicator kernels and equity curves are recomputed), and every session of the data window.
 */
import { analyzeStrategy, createStrategyEvaluator, PriceHistory, parseStrategy } from '@ensemble/core';
import { corpusFiles, loadSeries, median, parseCorpus, readCorpus } from './corpus.ts';

const ONE_DATE = '2025-10-23';
const REPEATS = 5;

export interface DslFileResult {
  file: string;
  parseMs: number;
  oneDateMs: number;
  sessions: number;
  evaluable: number;
  fullWindowMs: number;
}

export async function benchDsl(): Promise<DslFileResult[]> {
  const results: DslFileResult[] = [];
  for (const file of corpusFiles()) {
    const text = readCorpus(file);
    const parseTimes: number[] = [];
    for (let k = 0; k < REPEATS; k++) {
      const t0 = performance.now();
      parseStrategy(text, file);
      parseTimes.push(performance.now() - t0);
    }
    const strategy = parseCorpus(file);
    const series = await loadSeries(analyzeStrategy(strategy).symbols);
    const evalTimes: number[] = [];
    for (let k = 0; k < REPEATS; k++) {
      const history = PriceHistory.fromSeries(series);
      const t0 = performance.now();
      try {
        createStrategyEvaluator(strategy, history).evaluate(ONE_DATE);
      } catch {
        // some files cannot be evaluated on this date (data ended); the time still counts
      }
      evalTimes.push(performance.now() - t0);
    }
    const history = PriceHistory.fromSeries(series);
    const t0 = performance.now();
    const range = createStrategyEvaluator(strategy, history).evaluateRange(
      history.dates[0]!,
      history.dates[history.length - 1]!,
    );
    const fullWindowMs = performance.now() - t0;
    results.push({
      file,
      parseMs: median(parseTimes),
      oneDateMs: median(evalTimes),
      sessions: range.length,
      evaluable: range.filter((r) => 'weights' in r).length,
      fullWindowMs,
    });
  }
  return results;
}
