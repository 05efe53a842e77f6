/**
 * `ensemble signals`: evaluate every enabled strategy of the configuration as of one session, each
 * independently (one failing strategy never stops the others), and print a report. The bars go through the
 * same checks as a run's market snapshot (a malformed file, a gap, stale bars, a price that is not
 * believable), so a strategy is BLOCKED here exactly when a run would block it, with the same reason.
 * Exit 1 when any strategy is BLOCKED.
 */
import { resolve } from 'node:path';
import { assertSymbolsFit, buildMarketSnapshot, loadedSnapshotOf } from '@ensemble/app';
import { loadConfig } from '@ensemble/config';
import { createStrategyEvaluator, isEnsembleError, RailSettings } from '@ensemble/core';
import type { CliIO } from '../io.ts';
import { marketDataFor } from '../market.ts';

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
  const symbols = [...new Set(enabled.flatMap((s) => s.requirements.symbols))];
  const data = marketDataFor(o.data, io.cwd);
  // The last session any symbol's data reaches (a malformed file is that symbol's problem, not this one).
  const { bars } = data.loadBarsChecked
    ? await data.loadBarsChecked({ symbols })
    : { bars: await data.loadBars({ symbols }) };
  const sessions = new Set([...bars.values()].flatMap((s) => s.dates));
  const last = [...sessions].sort().at(-1);
  const asOf = o.date ?? last;
  if (!asOf || !last) {
    io.err('no market data');
    return 1;
  }
  // Fail closed: a run trades on one session's data; never fall back to an older session.
  if (!sessions.has(asOf)) {
    io.err(`no session on ${asOf} in the market data (sessions ${[...sessions].sort()[0]} to ${last})`);
    return 1;
  }
  const snapshot = loadedSnapshotOf(
    await buildMarketSnapshot(data, symbols, asOf, RailSettings.parse(config.rails)),
  );
  if (!o.json) io.out(`Ensemble: evaluating ${enabled.length} strategies as of ${asOf}`);
  const reports: StrategyReport[] = [];
  for (const s of enabled) {
    const started = performance.now();
    try {
      assertSymbolsFit(snapshot, s.requirements.symbols);
      const result = createStrategyEvaluator(s.strategy, snapshot.history).evaluate(asOf);
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
  const blocked = reports.filter((r) => r.outcome === 'BLOCKED').length;
  if (o.json) io.out(JSON.stringify({ asOf, strategies: reports }));
  else io.out(`${reports.length - blocked} evaluated, ${blocked} blocked`);
  return blocked > 0 ? 1 : 0;
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
