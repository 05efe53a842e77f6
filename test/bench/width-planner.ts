/**
 * The core planner at width `n` (part of `npm run bench -- width`): `planRebalance` of one book over `n`
 * symbols at equal weight, from cash (the first day: `n` buys) and from holdings that drifted (a daily
 * rebalance of every symbol: sells and buys). Pure, in process.
 */
import { type BookState, bookOf, type PlanInput, parsePlannerSettings, planRebalance } from '@ensemble/core';
import { symbolOf } from './width-day.ts';

/** Milliseconds of the planner on the two books of width `n`, and the lines planned. */
export interface PlannerFigures {
  readonly n: number;
  readonly fromCashMs: number;
  readonly fromCashLines: number;
  readonly rebalanceMs: number;
  readonly rebalanceLines: number;
}

export const benchWidthPlanner = (n: number): PlannerFigures => {
  const symbols = Array.from({ length: n }, (_, i) => symbolOf(i));
  const weight = (1 / n).toFixed(12);
  const targets: Record<string, string> = {};
  // The weights sum to 1 within the planner's tolerance (rounded to 12 places; the rest on the first).
  for (const s of symbols) targets[s] = weight;
  targets[symbols[0]!] = (1 - Number(weight) * (n - 1)).toFixed(12);
  const prices: Record<string, string> = {};
  symbols.forEach((s, i) => {
    prices[s] = (10 + (i % 190)).toFixed(2);
  });
  const assets = Object.fromEntries(symbols.map((s) => [s, { fractionable: false, tradable: true }]));
  const settings = parsePlannerSettings({ rebalance: { kind: 'frequency', frequency: 'daily' } });
  const bookId = bookOf('wide');
  const cash = String(n * 2_000);
  const input = (book: BookState): PlanInput => ({ book, targets, prices, assets, settings });
  const t0 = performance.now();
  const first = planRebalance(input({ bookId, cash, positions: [] }));
  const t1 = performance.now();
  // Holdings off target by ±5% (every other symbol), so the daily rebalance sells and buys.
  const positions = symbols.map((s, i) => ({
    symbol: s,
    qty: String(Math.max(1, Math.round((2_000 / Number(prices[s])) * (i % 2 === 0 ? 1.05 : 0.95)))),
    costBasis: '1000',
  }));
  const t2 = performance.now();
  const second = planRebalance(input({ bookId, cash: String(n * 50), positions }));
  const t3 = performance.now();
  return {
    n,
    fromCashMs: t1 - t0,
    fromCashLines: first.lines.length,
    rebalanceMs: t3 - t2,
    rebalanceLines: second.lines.length,
  };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const n of process.argv.slice(2).map(Number)) console.log(JSON.stringify(benchWidthPlanner(n)));
}
