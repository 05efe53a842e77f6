/**
 * `ensemble backtest`: the configuration over a range of sessions on the live code path — the application's
 * steps in the state machine's order, on the memory ledger and the simulated broker (`@ensemble/app`'s
 * backtest) — then the performance report through `backtest/render.ts` (terminal summary, `--json`,
 * `--html`: the report package's, as `ensemble report`'s) and `backtest/csv.ts` (`--csv`). Input the data cannot serve (dates outside it, an unknown benchmark) stops
 * before the first session with one line and exit 1.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type BacktestFlow, type BacktestOptions, compareFlows, runBacktest } from '@ensemble/app';
import { loadConfig } from '@ensemble/config';
import { backtestBroker } from '../backtest/broker.ts';
import { writeCsv } from '../backtest/csv.ts';
import { progressBar } from '../backtest/progress-bar.ts';
import { type Backtested, renderHtml, renderJson, renderText, shadowNote } from '../backtest/render.ts';
import type { CliIO } from '../io.ts';
import { marketDataFor } from '../market.ts';

export interface BacktestCommandOptions {
  readonly config: string;
  readonly from?: string;
  readonly to?: string;
  /** `as-configured`, `per-book`, `aggregated`, or `compare` (both of the last two). */
  readonly flow: BacktestFlow | 'compare';
  readonly data?: string;
  readonly slippageBps?: number;
  readonly feeBps?: number;
  /** A symbol, or null for none. @default 'SPY' */
  readonly benchmark?: string | null;
  readonly json: boolean;
  readonly html?: string;
  readonly csv?: string;
}

export async function backtestCommand(o: BacktestCommandOptions, io: CliIO): Promise<number> {
  const config = await loadConfig(resolve(io.cwd, o.config));
  for (const w of config.warnings) io.err(`warning: ${w}`);
  const benchmark = o.benchmark === undefined ? 'SPY' : o.benchmark;
  // Live strategies only: shadow mode's paper books are not part of a backtest.
  const symbols = new Set(
    config.strategies.filter((s) => s.enabled && s.mode === 'live').flatMap((s) => s.requirements.symbols),
  );
  if (benchmark !== null) symbols.add(benchmark);
  const bars = await marketDataFor(o.data, io.cwd).loadBars({ symbols: [...symbols].sort() });
  const costs =
    o.slippageBps === undefined && o.feeBps === undefined
      ? undefined
      : {
          ...config.account.simulatedFills,
          ...(o.slippageBps === undefined ? {} : { slippageBps: o.slippageBps }),
          ...(o.feeBps === undefined ? {} : { feeBps: o.feeBps }),
        };
  const live = io.tty === true && !o.json;
  const options = (label: string): BacktestOptions => {
    const bar = live ? progressBar(io.err, label) : undefined;
    return {
      config,
      bars,
      ...(o.from === undefined ? {} : { from: o.from }),
      ...(o.to === undefined ? {} : { to: o.to }),
      ...(costs ? { fillCosts: costs } : {}),
      benchmark,
      broker: backtestBroker,
      // Holdings feed only the page's allocation charts and holdings.csv.
      holdings: o.html !== undefined || o.csv !== undefined,
      ...(bar ? { onSession: (p) => bar.update(p.index, p.total, p.day) } : {}),
    };
  };
  const result: Backtested =
    o.flow === 'compare'
      ? await compareFlows(options('per-book, then aggregated'))
      : await runBacktest({ ...options(''), flow: o.flow });
  if (o.json) {
    io.out(renderJson(result));
    for (const line of shadowNote(result)) io.err(line);
  } else for (const line of renderText(result)) io.out(line);
  if (o.html !== undefined) await writeFile(resolve(io.cwd, o.html), renderHtml(result));
  if (o.csv !== undefined) await writeCsv(resolve(io.cwd, o.csv), result);
  return 0;
}
