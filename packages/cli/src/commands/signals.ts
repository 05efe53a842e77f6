/**
 * `ensemble signals`: evaluate every enabled strategy of the configuration as of one session, each
 * independently (one failing strategy never stops the others), and print a report.
 */
import { resolve } from 'node:path';
import { loadConfig } from '@ensemble/config';
import { createStrategyEvaluator, isEnsembleError } from '@ensemble/core';
import type { CliIO } from '../io.ts';
import { loadHistory, marketDataFor } from '../market.ts';

export interface SignalsOptions {
  readonly config: string;
  readonly date?: string;
  readonly data?: string;
  readonly json: boolean;
}

interface StrategyReport {
  readonly id: string;
  readonly flow: string;
  readonly allocation: number;
  readonly outcome: 'EVALUATED' | 'BLOCKED';
  readonly session?: string;
  readonly weights?: Readonly<Record<string, string>>;
  readonly error?: string;
  readonly ms: number;
}

export async function signalsCommand(o: SignalsOptions, io: CliIO): Promise<number> {
  const config = await loadConfig(resolve(io.cwd, o.config));
  for (const w of config.warnings) io.err(`warning: ${w}`);
  const enabled = config.strategies.filter((s) => s.enabled);
  const symbols = new Set(enabled.flatMap((s) => s.requirements.symbols));
  const history = await loadHistory(marketDataFor(o.data, io.cwd), symbols);
  const last = history.dates[history.length - 1];
  const asOf = o.date ?? last;
  if (!asOf || !last) {
    io.err('no market data');
    return 1;
  }
  // Fail closed: a run trades on one session's data; never fall back to an older session.
  if (history.indexOnOrBefore(asOf) < 0 || history.dates[history.indexOnOrBefore(asOf)] !== asOf) {
    io.err(`no session on ${asOf} in the market data (sessions ${history.dates[0]} to ${last})`);
    return 1;
  }
  if (!o.json) io.out(`Ensemble: evaluating ${enabled.length} strategies as of ${asOf}`);
  const reports: StrategyReport[] = [];
  for (const s of enabled) {
    const started = performance.now();
    try {
      const result = createStrategyEvaluator(s.strategy, history).evaluate(asOf);
      reports.push({
        id: s.id,
        flow: s.flow,
        allocation: s.allocation,
        outcome: 'EVALUATED',
        session: result.session,
        weights: result.weights,
        ms: performance.now() - started,
      });
    } catch (e) {
      if (!isEnsembleError(e)) throw e;
      reports.push({
        id: s.id,
        flow: s.flow,
        allocation: s.allocation,
        outcome: 'BLOCKED',
        error: `${e.name}: ${e.message}`,
        ms: performance.now() - started,
      });
    }
    if (!o.json) io.out(formatLine(reports[reports.length - 1]!));
  }
  if (o.json) io.out(JSON.stringify({ asOf, strategies: reports }));
  else {
    const blocked = reports.filter((r) => r.outcome === 'BLOCKED').length;
    io.out(`${reports.length - blocked} evaluated, ${blocked} blocked`);
  }
  return 0;
}

function formatLine(r: StrategyReport): string {
  const head = `  ${r.id.padEnd(20)} ${r.flow.padEnd(10)} ${(r.allocation * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(4)} ms  `;
  if (r.outcome === 'BLOCKED') return `${head}BLOCKED  ${r.error}`;
  const weights = Object.entries(r.weights ?? {})
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .map(([s, w]) => `${s} ${(Number(w) * 100).toFixed(1)}%`)
    .join(', ');
  return `${head}${weights}`;
}
