/**
 * The run's market-data snapshot: bars fetched **once per symbol** for every strategy of the run, validated,
 * and stored under a content-addressed key the branches receive by reference (states never carry bars).
 *
 * Timing and look-ahead: the run at 15:45 New York time on trading day D evaluates with data through D.
 * The bundled data are daily closes, so locally D's close stands in for the 15:45 price (the simulated
 * broker fills at the same price); with live data the last bar of D is the intraday bar at 15:45. Nothing
 * after D is ever loaded (`loadBars({ to: D })`).
 *
 * Validation: a symbol with no bars, or whose last bar is before D (stale), is recorded in `problems`;
 * only the strategies that read it are BLOCKED (Evaluate checks), the others proceed.
 *
 * Compact form: one shared session calendar, and per symbol the index of its first session and its closes
 * from there (null where the symbol has no bar on a session of the calendar).
 */
import { createHash } from 'node:crypto';
import {
  type BarSeries,
  D,
  type MarketData,
  MissingDataError,
  PriceHistory,
  quotePrice,
  str,
} from '@ensemble/core';
import * as z from 'zod';
import { SnapshotNotFoundError } from './errors.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** The stored snapshot (JSON). */
export const MarketSnapshot = z.object({
  version: z.literal(1),
  /** The trading day the run evaluates; no bar after it is included. */
  tradingDay: z.string(),
  /** Union of all symbols' sessions, ascending. */
  sessions: z.array(z.string()),
  series: z.record(
    z.string(),
    z.object({ first: z.number().int().nonnegative(), closes: z.array(z.number().positive().nullable()) }),
  ),
  /** Symbols unfit to trade on D, with why (`missing`, `stale: last bar …`). */
  problems: z.record(z.string(), z.string()),
});
export type MarketSnapshot = z.infer<typeof MarketSnapshot>;

/** Fetches bars for `symbols` up to `tradingDay` and builds the validated snapshot. */
export const buildMarketSnapshot = async (
  marketData: MarketData,
  symbols: Iterable<string>,
  tradingDay: string,
): Promise<MarketSnapshot> => {
  const wanted = [...new Set(symbols)].sort();
  const bars = await marketData.loadBars({ symbols: wanted, to: tradingDay });
  const sessionSet = new Set<string>();
  for (const s of bars.values()) for (const d of s.dates) if (d <= tradingDay) sessionSet.add(d);
  const sessions = [...sessionSet].sort();
  const index = new Map(sessions.map((d, i) => [d, i] as const));
  const series: MarketSnapshot['series'] = {};
  const problems: Record<string, string> = {};
  for (const symbol of wanted) {
    const s = bars.get(symbol);
    const last = s ? lastOnOrBefore(s, tradingDay) : -1;
    if (!s || last < 0) {
      problems[symbol] = 'missing: no bars';
      continue;
    }
    if (s.dates[last] !== tradingDay) problems[symbol] = `stale: last bar ${s.dates[last]}`;
    const first = index.get(s.dates[0]!)!;
    const closes: (number | null)[] = new Array(index.get(s.dates[last]!)! - first + 1).fill(null);
    for (let k = 0; k <= last; k++) closes[index.get(s.dates[k]!)! - first] = s.closes[k]!;
    series[symbol] = { first, closes };
  }
  return { version: 1, tradingDay, sessions, series, problems };
};

const lastOnOrBefore = (s: BarSeries, day: string): number => {
  let k = s.dates.length - 1;
  while (k >= 0 && s.dates[k]! > day) k--;
  return k;
};

/** The content-addressed key of a snapshot: `snapshots/<day>/<sha256 of its JSON>.json`. */
export const snapshotKey = (snapshot: MarketSnapshot): string => {
  const hash = createHash('sha256').update(JSON.stringify(snapshot)).digest('hex');
  return `snapshots/${snapshot.tradingDay}/${hash}.json`;
};

/** Stores the snapshot under its content-addressed key and returns the key (the reference). */
export const storeMarketSnapshot = async (
  store: SnapshotStore,
  snapshot: MarketSnapshot,
): Promise<string> => {
  const key = snapshotKey(snapshot);
  await store.put(key, snapshot);
  return key;
};

/** A snapshot read back: the aligned history and the prices of D. */
export interface LoadedSnapshot {
  readonly ref: string;
  readonly tradingDay: string;
  readonly history: PriceHistory;
  readonly problems: Readonly<Record<string, string>>;
  /**
   * Close of D by symbol (decimal strings), for symbols with a bar on D, at the broker's price precision
   * (core's `quotePrice`: cents at or above $1, four decimals below). Books are marked, plans sized and
   * flips valued at these prices, which are also the prices the simulated broker fills at: a mark finer than
   * the fill would make P&L out of nothing on every low-priced fill.
   */
  readonly prices: Readonly<Record<string, string>>;
}

/** Reads snapshots by reference; keeps the last few parsed ones (keys are immutable, so this is safe). */
export interface SnapshotReader {
  read(ref: string): Promise<LoadedSnapshot>;
}

/** A {@link SnapshotReader} over a store, caching up to `keep` parsed snapshots. */
export const createSnapshotReader = (store: SnapshotStore, keep = 2): SnapshotReader => {
  const cache = new Map<string, Promise<LoadedSnapshot>>();
  const load = async (ref: string): Promise<LoadedSnapshot> => {
    const raw = await store.get(ref);
    if (raw === null) throw new SnapshotNotFoundError(ref);
    return toLoaded(ref, MarketSnapshot.parse(raw));
  };
  return {
    read(ref) {
      let hit = cache.get(ref);
      if (!hit) {
        hit = load(ref);
        hit.catch(() => cache.delete(ref));
        cache.set(ref, hit);
        while (cache.size > keep) cache.delete(cache.keys().next().value!);
      }
      return hit;
    },
  };
};

const toLoaded = (ref: string, s: MarketSnapshot): LoadedSnapshot => {
  const bars: BarSeries[] = [];
  const prices: Record<string, string> = {};
  for (const [symbol, { first, closes }] of Object.entries(s.series)) {
    const dates: string[] = [];
    const values: number[] = [];
    closes.forEach((c, k) => {
      if (c === null) return;
      dates.push(s.sessions[first + k]!);
      values.push(c);
    });
    bars.push({ symbol, dates, closes: Float64Array.from(values) });
    if (dates[dates.length - 1] === s.tradingDay) {
      prices[symbol] = str(quotePrice(new D(String(values[values.length - 1]!))));
    }
  }
  return {
    ref,
    tradingDay: s.tradingDay,
    history: PriceHistory.fromSeries(bars),
    problems: s.problems,
    prices,
  };
};

/** Throws a MissingDataError for the first of `symbols` the snapshot marks unfit (stale or missing). */
export const assertSymbolsFit = (snapshot: LoadedSnapshot, symbols: Iterable<string>): void => {
  for (const symbol of [...symbols].sort()) {
    const problem = snapshot.problems[symbol];
    if (problem !== undefined) throw new MissingDataError(symbol, snapshot.tradingDay, problem);
  }
};
