/**
 * Strategy-language benchmarks: parse time, one-date evaluation (cold: fresh snapshot and evaluator, so
 * indicator kernels and equity curves are recomputed), and every session of the data window. The one-date
 * figure is also taken as process CPU time (`process.cpuUsage`, all threads), which a machine busy with
 * other work inflates far less than wall time.
 */
import { analyzeStrategy, createStrategyEvaluator, PriceHistory, parseStrategy } from '@ensemble/core';
import { corpusFiles, loadSeries, median, parseCorpus, readCorpus } from './corpus.ts';

const ONE_DATE = '2025-10-23';
const REPEATS = 5;

export interface DslFileResult {
  file: string;
  parseMs: number;
  oneDateMs: number;
  /** Median process CPU time (user + system, all threads) of the same cold evaluations. */
  oneDateCpuMs: number;
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
    const evalCpu: number[] = [];
    for (let k = 0; k < REPEATS; k++) {
      const history = PriceHistory.fromSeries(series);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      try {
        createStrategyEvaluator(strategy, history).evaluate(ONE_DATE);
      } catch {
        // some files cannot be evaluated on this date (data ended); the time still counts
      }
      evalTimes.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      evalCpu.push((cpu.user + cpu.system) / 1000);
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
      oneDateCpuMs: median(evalCpu),
      sessions: range.length,
      evaluable: range.filter((r) => 'weights' in r).length,
      fullWindowMs,
    });
  }
  return results;
}
