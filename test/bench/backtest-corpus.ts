/**
 * Child process of the backtest benchmark: each of the 19 corpus strategies backtested alone (per-book, the
 * whole account, rails raised so no notional limit blocks an order), one after another, from its own first
 * evaluable session to the last of the bundled data, with the CLI's broker. Prints one JSON line.
 * Between two strategies the collector runs (the process is started with `--expose-gc`): each backtest's
 * peak is its own, as in the process an operator starts for one, not added to the garbage of those before.
 * Usage: node --expose-gc backtest-corpus.mjs REPO WORKDIR (paths are given: the bundle runs from a temporary
 * folder).
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { runBacktest } from '@ensemble/app';
import { loadConfig } from '@ensemble/config';
import { CsvMarketData } from '@ensemble/market-data';
import { backtestBroker } from '../../packages/cli/src/backtest/broker.ts';

const repo = process.argv[2] ?? '.';
const work = process.argv[3] ?? '.';
const CORPUS = join(repo, 'test/fixtures/corpus');
const corpusFiles = () =>
  readdirSync(CORPUS, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.clj'))
    .map((e) => relative(CORPUS, join(e.parentPath, e.name)))
    .sort();
const LIMIT = '1000000000000';
const strategies: { file: string; sessions: number; ms: number; from: string }[] = [];
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('start the corpus benchmark with node --expose-gc');
const data = new CsvMarketData(join(repo, 'packages/market-data/data/bars'));
for (const file of corpusFiles()) {
  const started = performance.now();
  const dir = join(work, basename(file, '.clj'));
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(CORPUS, file), join(dir, basename(file)));
  const path = join(dir, 'ensemble.config.yaml');
  writeFileSync(
    path,
    [
      'account:',
      '  startingCash: "100000"',
      '  capitalPolicy: fixed',
      'rails:',
      `  maxOrderNotional: "${LIMIT}"`,
      `  maxDailyNotionalPerBook: "${LIMIT}"`,
      `  maxDailyNotionalPerAccount: "${LIMIT}"`,
      'strategies:',
      '  - id: alone',
      `    file: ${basename(file)}`,
      '    allocation: 1',
      '    flow: per-book',
      '',
    ].join('\n'),
  );
  const config = await loadConfig(path);
  const symbols = [...new Set([...config.strategies.flatMap((s) => s.requirements.symbols), 'SPY'])];
  // As `ensemble backtest --json` does: no holdings replayed (only the page and holdings.csv show them).
  const r = await runBacktest({
    config,
    bars: await data.loadBars({ symbols }),
    broker: backtestBroker,
    holdings: false,
  });
  strategies.push({
    file,
    sessions: r.sessions.length,
    from: r.history.from,
    ms: performance.now() - started,
  });
  collect();
}
process.stdout.write(`${JSON.stringify({ strategies })}\n`);
