/** `ensemble evaluate <file.clj> --as-of D [--data DIR] [--json] [--trace]`: target weights for one date. */
import { analyzeStrategy, createStrategyEvaluator } from '@ensemble/core';
import type { CliIO } from '../io.ts';
import { loadHistory, marketDataFor } from '../market.ts';
import { loadStrategyFile } from '../strategy-files.ts';

export interface EvaluateOptions {
  readonly file: string;
  readonly asOf: string;
  readonly data?: string;
  readonly json: boolean;
  readonly trace: boolean;
}

export async function evaluateCommand(o: EvaluateOptions, io: CliIO): Promise<number> {
  const strategy = await loadStrategyFile(o.file, io.cwd);
  const history = await loadHistory(marketDataFor(o.data, io.cwd), analyzeStrategy(strategy).symbols);
  const result = createStrategyEvaluator(strategy, history).evaluate(o.asOf, { trace: o.trace });
  if (o.json) {
    io.out(JSON.stringify(result));
    return 0;
  }
  io.out(`${result.strategy}  (as of ${result.asOf}, session ${result.session})`);
  for (const [symbol, w] of Object.entries(result.weights)) {
    io.out(`  ${symbol.padEnd(8)} ${(Number(w) * 100).toFixed(4).padStart(9)} %   ${w}`);
  }
  if (result.trace) io.out(JSON.stringify(result.trace, null, 2));
  return 0;
}
