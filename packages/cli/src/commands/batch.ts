/**
 * `ensemble evaluate --batch IN.jsonl [--data DIR]`: one JSON line out per line in. Lines naming the same
 * strategy share one parsed strategy and one evaluator (so node results and equity curves are computed
 * once), and all share one price snapshot.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  analyzeStrategy,
  createStrategyEvaluator,
  type Strategy,
  type StrategyEvaluator,
  TradingDay,
} from '@ensemble/core';
import * as z from 'zod';
import type { CliIO } from '../io.ts';
import { UsageError } from '../io.ts';
import { loadHistory, marketDataFor } from '../market.ts';
import { loadStrategyFile } from '../strategy-files.ts';

const BatchLine = z.object({
  strategy: z.string().min(1),
  asOf: TradingDay,
});

export async function batchCommand(
  o: { input: string; data?: string; root?: string },
  io: CliIO,
): Promise<number> {
  const text = await readFile(resolve(io.cwd, o.input), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const requests = lines.map((l, k) => {
    let raw: unknown;
    try {
      raw = JSON.parse(l);
    } catch {
      throw new UsageError(`${o.input}:${k + 1}: not valid JSON`);
    }
    const parsed = BatchLine.safeParse(raw);
    if (!parsed.success) throw new UsageError(`${o.input}:${k + 1}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  });

  const strategies = new Map<string, Strategy | Error>();
  for (const r of requests) {
    if (strategies.has(r.strategy)) continue;
    strategies.set(
      r.strategy,
      await loadStrategyFile(resolve(io.cwd, o.root ?? '.', r.strategy), io.cwd).catch((e: unknown) =>
        e instanceof Error ? e : new Error(String(e)),
      ),
    );
  }
  const symbols = new Set<string>();
  for (const s of strategies.values()) {
    if (!(s instanceof Error)) for (const sym of analyzeStrategy(s).symbols) symbols.add(sym);
  }
  const history = await loadHistory(marketDataFor(o.data, io.cwd), symbols);
  const evaluators = new Map<string, StrategyEvaluator>();
  let failures = 0;
  for (const r of requests) {
    const s = strategies.get(r.strategy)!;
    try {
      if (s instanceof Error) throw s;
      let ev = evaluators.get(r.strategy);
      if (!ev) {
        ev = createStrategyEvaluator(s, history);
        evaluators.set(r.strategy, ev);
      }
      io.out(JSON.stringify({ strategy: r.strategy, asOf: r.asOf, weights: ev.evaluate(r.asOf).weights }));
    } catch (e) {
      failures++;
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      io.out(JSON.stringify({ strategy: r.strategy, asOf: r.asOf, error: message }));
    }
  }
  if (failures > 0) io.err(`${failures} of ${requests.length} evaluations failed`);
  return 0;
}
