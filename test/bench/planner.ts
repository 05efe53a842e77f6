/**
 * Planner micro-benchmark: `planRebalance` for a typical 10-symbol book that must rebalance (drifted out of
 * a 5 % corridor, one whole-share asset), and `planPool` for a pool of 5 members over the same 10 symbols.
 * Reports operations per second (median of 5 rounds of ~0.5 s each, after a warm-up round).
 */
import {
  type BookState,
  parsePlannerSettings,
  planPool,
  planRebalance,
  type TargetWeights,
} from '@ensemble/core';

const SYMBOLS = ['SPY', 'QQQ', 'TLT', 'GLD', 'BRK', 'XLK', 'SOXL', 'TQQQ', 'BIL', 'UVXY'];
const PRICES = Object.fromEntries(SYMBOLS.map((s, i) => [s, (37.25 + i * 41.13).toFixed(2)]));
const ASSETS = Object.fromEntries(SYMBOLS.map((s) => [s, { fractionable: s !== 'BRK', tradable: true }]));
const SETTINGS = parsePlannerSettings({ rebalance: { kind: 'threshold', threshold: '0.05' } });

const book = (bookId: BookState['bookId']): BookState => ({
  bookId,
  cash: '1234.56',
  positions: SYMBOLS.map((symbol, i) => ({
    symbol,
    qty: symbol === 'BRK' ? String(3 + i) : (12.5 + i * 3.333333333).toFixed(9),
    costBasis: (1000 + i * 100).toFixed(2),
  })),
});

/** Ten weights from `seed`, decimal strings summing to exactly 1. */
const weights = (seed: number, symbols = SYMBOLS): TargetWeights => {
  const raw = symbols.map((_, i) => 1 + ((seed * 7 + i * 13) % 11));
  const total = raw.reduce((a, b) => a + b, 0);
  const thousandths = raw.map((r) => Math.floor((r * 1000) / total));
  thousandths[0]! += 1000 - thousandths.reduce((a, b) => a + b, 0);
  return Object.fromEntries(symbols.map((s, i) => [s, (thousandths[i]! / 1000).toFixed(3)]));
};

const opsPerSecond = (fn: () => unknown): number => {
  const round = () => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 500) {
      fn();
      n++;
    }
    return (n * 1000) / (performance.now() - t0);
  };
  round(); // warm-up
  const rounds = Array.from({ length: 5 }, round).sort((a, b) => a - b);
  return Math.round(rounds[2]!);
};

/** One planner benchmark result. */
export interface PlannerResult {
  name: string;
  opsPerSec: number;
  lines: number;
}

export function benchPlanner(): PlannerResult[] {
  const single = {
    book: book('strategy#bench'),
    targets: weights(1),
    prices: PRICES,
    assets: ASSETS,
    settings: SETTINGS,
  };
  const members = ['m1', 'm2', 'm3', 'm4', 'm5'];
  const pool = {
    pool: book('pool'),
    shares: { m1: '0.3', m2: '0.25', m3: '0.2', m4: '0.15', m5: '0.1' },
    targets: Object.fromEntries(members.map((m, i) => [m, weights(i + 2, SYMBOLS.slice(i, i + 4))])),
    prices: PRICES,
    assets: ASSETS,
    settings: SETTINGS,
  };
  return [
    {
      name: 'planRebalance, 10-symbol book',
      opsPerSec: opsPerSecond(() => planRebalance(single)),
      lines: planRebalance(single).lines.length,
    },
    {
      name: 'planPool, 5 members × 4 of 10 symbols',
      opsPerSec: opsPerSecond(() => planPool(pool)),
      lines: planPool(pool).plan.lines.length,
    },
  ];
}
