/**
 * A deterministic sample history for tests and previews: per-book strategies (one starting late, one
 * receiving a transfer), a pool with two members, holdings for the allocation charts, and a benchmark, on
 * real NYSE sessions. Values follow a seeded random walk; the account is the sum of the books.
 */
import {
  attributedSeries,
  D,
  type PerformanceHistory,
  type Series,
  type StrategyHistory,
  sessionsBetween,
  str,
  sumSeries,
  type UnitHistory,
} from '@ensemble/core';

/** A small seeded generator (mulberry32). */
const random = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const SYMBOLS = ['SPY', 'QQQ', 'TLT', 'GLD', 'BIL', 'UVXY', 'SOXL', 'TQQQ', 'XLE', 'XLV', 'IEF', 'SHY'];

interface Walk {
  readonly equity: Series;
  readonly traded: Series;
  readonly holdings: UnitHistory['holdings'];
}

/** A book's random walk from `start` over `days`, with a handful of holdings rotating. */
const walk = (days: readonly string[], start: number, seed: number, drift: number, vol: number): Walk => {
  const next = random(seed);
  let nav = start;
  const equity: [string, string][] = [];
  const traded: [string, string][] = [];
  const holdings: [string, Record<string, string>][] = [];
  let held = SYMBOLS.slice(seed % 4, (seed % 4) + 3);
  days.forEach((day, i) => {
    nav *= 1 + drift + vol * (next() * 2 - 1);
    equity.push([day, nav.toFixed(2)]);
    if (i % 21 === 0) {
      held = SYMBOLS.filter(() => next() < 0.35).slice(0, 4);
      if (held.length === 0) held = ['BIL'];
      traded.push([day, (nav * 0.8).toFixed(2)]);
    }
    const invested = nav * 0.95;
    holdings.push([day, Object.fromEntries(held.map((s) => [s, (invested / held.length).toFixed(2)]))]);
  });
  return { equity, traded, holdings };
};

const strategy = (
  id: string,
  w: Walk,
  allocation: string,
  extra: Partial<StrategyHistory> = {},
): StrategyHistory => ({
  id,
  flow: 'per-book',
  allocation,
  equity: w.equity,
  traded: w.traded,
  orders: w.traded.length * 3,
  fees: '0',
  holdings: w.holdings,
  ...extra,
});

/** The sample history over the sessions from `from` to `to`. */
export const sampleHistory = (from = '2023-01-03', to = '2024-06-28'): PerformanceHistory => {
  const days = sessionsBetween(from, to).map((d) => d.date);
  const late = days.slice(Math.floor(days.length / 3));
  const alpha = walk(days, 40_000, 1, 0.0006, 0.018);
  const beta = walk(days, 30_000, 2, 0.0002, 0.01);
  const gamma = walk(late, 20_000, 3, 0.0009, 0.025);
  const pool = walk(days, 10_000, 4, 0.0004, 0.012);
  // Deposits into the account: gamma's funding when it starts, and 5,000 for beta halfway (flows, not gains).
  const transferDay = days[Math.floor(days.length / 2)]!;
  const betaEquity: Series = beta.equity.map(([d, v]) => [
    d,
    d >= transferDay ? str(new D(v).plus(5000)) : v,
  ]);
  const members = ['delta', 'epsilon'];
  const fractions: Series = [[days[0]!, '0.6']];
  const delta = attributedSeries({ equity: pool.equity }, fractions);
  const epsilon = attributedSeries({ equity: pool.equity }, [[days[0]!, '0.4']]);
  const books = [alpha.equity, betaEquity, gamma.equity, pool.equity];
  const spy = walk(days, 380, 7, 0.0005, 0.012);
  const account: UnitHistory = {
    id: 'account',
    equity: sumSeries(books),
    flows: sumSeries([[gamma.equity[0]!], [[transferDay, '5000']]]),
    traded: sumSeries([alpha.traded, beta.traded, gamma.traded, pool.traded]),
    orders: (alpha.traded.length + beta.traded.length + gamma.traded.length + pool.traded.length) * 3,
    fees: '12.5',
    holdings: [],
  };
  return {
    from: days[0]!,
    to: days.at(-1)!,
    flow: 'as-configured',
    startingCash: '100000',
    account,
    strategies: [
      strategy('alpha', alpha, '0.4'),
      strategy('beta', { ...beta, equity: betaEquity }, '0.3', { flows: [[transferDay, '5000']] }),
      strategy('gamma', gamma, '0.2'),
      strategy('delta', { equity: delta.equity, traded: [], holdings: [] }, '0.06', { flow: 'aggregated' }),
      strategy('epsilon', { equity: epsilon.equity, traded: [], holdings: [] }, '0.04', {
        flow: 'aggregated',
      }),
    ],
    pool: {
      id: 'pool',
      members,
      equity: pool.equity,
      traded: pool.traded,
      orders: pool.traded.length * 3,
      fees: '0',
      holdings: pool.holdings,
    },
    benchmark: { symbol: 'SPY', closes: spy.equity },
    fills: 'signals and fills at the session close; no slippage, no fees',
  };
};
