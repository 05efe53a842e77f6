/** Child process for the peak-RSS benchmark: parse, load data, evaluate one date and the full window. */
import { createStrategyEvaluator } from '@ensemble/core';
import { historyFor, parseCorpus } from './corpus.ts';

const file = process.argv[2] ?? 'ftl_starburst.clj';
const strategy = parseCorpus(file);
const history = await historyFor([strategy]);
createStrategyEvaluator(strategy, history).evaluate('2025-10-23');
createStrategyEvaluator(strategy, history).evaluateRange(
  history.dates[0]!,
  history.dates[history.length - 1]!,
);
process.stdout.write(JSON.stringify({ file, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
