/**
 * Child process of the width benchmark: one trading day of ONE strategy holding `n` synthetic symbols at
 * equal weight, through the real steps in workflow order (`@ensemble/app/testing`: dynalite, the SimBroker
 * filling at the synthetic closes, `driveDay`), each step timed. Prints one JSON line ({@link WidthFigures}).
 *
 * The synthetic data: symbols `W000001`…, {@link SESSIONS} sessions of closes ending on the day (a small,
 * believable daily move, so every symbol passes the bar checks), prices between $5 and $200.
 *
 * Mode `trade` places every order (on the SimBroker, through the ledger); mode `plan` turns the kill switch on
 * first, so every step runs on the real path but Execute places no order (widths where placing N orders
 * through the embedded database would take hours).
 *
 * Usage: `node --import tsx test/bench/width-day.ts <n> <YYYY-MM-DD> [trade|plan]`
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driveDay, startWorld, stepsOf } from '@ensemble/app/testing';
import { loadConfig } from '@ensemble/config';
import { type BarSeries, type MarketData, previousSession, sessionsBetween } from '@ensemble/core';

/** Sessions of synthetic history per symbol (more than the bar checks' 20-session range). */
export const SESSIONS = 40;
/** Cash per symbol: every symbol gets whole shares at up to $200. */
export const CASH_PER_SYMBOL = 2_000;

/** One measured day. */
export interface WidthDay {
  readonly day: string;
  /** Handler time of each step (summed over calls). */
  readonly stepsMs: Record<string, number>;
  readonly totalMs: number;
  readonly status: string;
  readonly orders: number;
  readonly filled: number;
}

/** What one measured width reports: the first day (from cash: buys only) and the next (a rebalance). */
export interface WidthFigures {
  readonly n: number;
  readonly mode: string;
  /** Building the data, the strategy file and the world (dynalite, config load with the file's parse). */
  readonly setupMs: number;
  readonly days: WidthDay[];
  /** Positions of the account after the last day. */
  readonly positions: number;
  readonly maxRssMb: number;
}

export const symbolOf = (i: number): string => `W${String(i + 1).padStart(6, '0')}`;

/** A deterministic synthetic MarketData of `n` symbols, {@link SESSIONS} sessions ending on `day`. */
export const syntheticMarketData = (n: number, day: string): MarketData => {
  const all = sessionsBetween('2024-01-01', day).map((s) => s.date);
  const dates = all.slice(-SESSIONS);
  const bars = new Map<string, BarSeries>();
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < n; i++) {
    const closes = new Float64Array(dates.length);
    let p = 5 + rand() * 195;
    for (let k = 0; k < dates.length; k++) {
      closes[k] = Math.round(p * 100) / 100;
      p *= 1 + (rand() - 0.5) * 0.02;
    }
    const symbol = symbolOf(i);
    bars.set(symbol, { symbol, dates, closes });
  }
  const cut = (s: BarSeries, to?: string): BarSeries => {
    if (to === undefined || s.dates[s.dates.length - 1]! <= to) return s;
    const k = s.dates.findLastIndex((d) => d <= to) + 1;
    return { symbol: s.symbol, dates: s.dates.slice(0, k), closes: s.closes.slice(0, k) };
  };
  return {
    async loadBars({ symbols, to }) {
      const out = new Map<string, BarSeries>();
      for (const s of symbols) {
        const b = bars.get(s);
        if (b) out.set(s, cut(b, to));
      }
      return out;
    },
  };
};

/** The strategy file: one flat weight over `n` symbols. */
export const wideStrategy = (n: number): string => {
  const assets: string[] = [];
  for (let i = 0; i < n; i++) assets.push(`   (asset "${symbolOf(i)}")`);
  return `(defsymphony\n "Wide ${n}"\n {:asset-class "EQUITIES"}\n (weight-equal\n  [\n${assets.join('\n')}]))\n`;
};

/** The config: the one strategy, per-book, the whole account; rails raised so no notional limit blocks. */
export const wideConfig = (n: number): string => {
  const cash = String(n * CASH_PER_SYMBOL);
  const limit = String(n * CASH_PER_SYMBOL * 2);
  return [
    'account:',
    `  startingCash: "${cash}"`,
    '  capitalPolicy: fixed',
    'rails:',
    `  maxOrderNotional: "${limit}"`,
    `  maxDailyNotionalPerBook: "${limit}"`,
    `  maxDailyNotionalPerAccount: "${limit}"`,
    'strategies:',
    '  - id: wide',
    '    file: wide.clj',
    '    allocation: 1',
    '    flow: per-book',
    '',
  ].join('\n');
};

const main = async () => {
  const [nArg, day, mode = 'trade'] = process.argv.slice(2);
  const n = Number(nArg);
  if (!Number.isInteger(n) || n <= 0 || !day) throw new Error('usage: width-day.ts <n> <YYYY-MM-DD>');
  const t0 = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'ensemble-bench-width-'));
  try {
    await writeFile(join(dir, 'wide.clj'), wideStrategy(n));
    await writeFile(join(dir, 'ensemble.config.yaml'), wideConfig(n));
    const config = await loadConfig(join(dir, 'ensemble.config.yaml'));
    const marketData = syntheticMarketData(n, day);
    const world = await startWorld({ config, marketData, fillsOn: 'marketData' });
    try {
      if (mode === 'plan')
        await world.ledger.setKillSwitch({
          enabled: true,
          reason: 'width benchmark: plan only',
          updatedBy: 'bench',
        });
      const setupMs = performance.now() - t0;
      const days: WidthDay[] = [];
      for (const d of [previousSession(day), day]) {
        world.setDay(d);
        const steps = stepsOf(world);
        const stepsMs: Record<string, number> = {};
        const timed = Object.fromEntries(
          Object.entries(steps).map(([name, step]) => [
            name,
            async (input: unknown) => {
              const s = performance.now();
              if (process.env.WIDTH_TRACE) process.stderr.write(`${name}…\n`);
              try {
                return await step(input);
              } finally {
                stepsMs[name] = (stepsMs[name] ?? 0) + performance.now() - s;
              }
            },
          ]),
        ) as typeof steps;
        const t1 = performance.now();
        const result = await driveDay(timed, d);
        const totalMs = performance.now() - t1;
        const errors = result.calls
          .filter((c) => c.task === 'RecordBranchFailure')
          .map((c) => JSON.stringify((c.input as { error: unknown }).error).slice(0, 300));
        if (errors.length > 0) process.stderr.write(`${d}: ${errors.join(', ')}\n`);
        const executed = result.calls.find((c) => c.task === 'Execute')?.output as
          | { orders: number; filled: number }
          | undefined;
        days.push({
          day: d,
          stepsMs,
          totalMs,
          status: result.finalize?.status ?? result.prepare.action,
          orders: executed?.orders ?? 0,
          filled: executed?.filled ?? 0,
        });
        process.stderr.write(`n=${n} ${d}: ${JSON.stringify(days.at(-1))}\n`);
      }
      const figures: WidthFigures = {
        n,
        mode,
        setupMs,
        days,
        positions: (await world.broker.listPositions()).length,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
      };
      process.stdout.write(`${JSON.stringify(figures)}\n`);
    } finally {
      await world.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await main();
