/**
 * The run's market-data snapshot: bars fetched **once per symbol** for every strategy of the run, validated,
 * and stored under a content-addressed key the branches receive by reference (states never carry bars).
 *
 * Timing and look-ahead: the run at 15:45 New York time on trading day D evaluates with data through D.
 * The bundled data are daily closes, so locally D's close stands in for the 15:45 price (the simulated
 * broker fills at the same price); with live data the last bar of D is the intraday bar at 15:45. Nothing
 * after D is ever loaded (`loadBars({ to: D })`).
 *
 * Validation (core's `barProblem`, the same for the bundled bars, `--data` files and Alpaca's bars): a
 * symbol the source could not serve (a malformed file, a gap or stale bars Alpaca refused), with no bars,
 * a close that is not a price, a session missing between two bars, a last bar before D (stale), or a price
 * on D that is not believable (a move far beyond its recent range, a close outside the day's high–low) is
 * recorded in `problems` with the true reason; only the strategies that read it are BLOCKED (Evaluate
 * checks), the others proceed. A symbol whose prices cannot be believed (invalid, suspect) is left out of
 * the snapshot altogether, so no step values, plans or trades on them.
 *
 * Compact form: one shared session calendar, and per symbol the index of its first session and its closes
 * from there (null where the symbol has no bar on a session of the calendar).
 */
import { createHash } from 'node:crypto';
import {
  type BarSeries,
  barProblem,
  D,
  type EnsembleError,
  type MarketData,
  MarketDataInvalidError,
  MissingDataError,
  PriceHistory,
  type PriceSanitySettings,
  PriceSuspectError,
  quotePrice,
  RailSettings,
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
  /**
   * Symbols unfit to trade on D, with why, prefixed by the kind: `missing`, `invalid`, `gap`, `stale`,
   * `suspect` (`stale: last bar 2025-11-26`).
   */
  problems: z.record(z.string(), z.string()),
});
export type MarketSnapshot = z.infer<typeof MarketSnapshot>;

/** The default price-sanity settings (the rails' defaults). */
const DEFAULT_SANITY: PriceSanitySettings = RailSettings.parse({});

/** Kinds of problem whose symbol is left out of the snapshot: there is no price to believe. */
const UNPRICED = new Set(['missing', 'invalid', 'suspect']);

/** The kind of a problem the market-data source reported (Alpaca's refusals, a malformed file). */
const kindOf = (e: EnsembleError): string => (e instanceof MissingDataError ? 'missing' : 'invalid');

/**
 * Fetches bars for `symbols` up to `tradingDay` and builds the validated snapshot. One symbol the source
 * cannot serve (when it can say so: `loadBarsChecked`) is a problem of that symbol alone.
 */
export const buildMarketSnapshot = async (
  marketData: MarketData,
  symbols: Iterable<string>,
  tradingDay: string,
  sanity: PriceSanitySettings = DEFAULT_SANITY,
): Promise<MarketSnapshot> => {
  const wanted = [...new Set(symbols)].sort();
  const query = { symbols: wanted, to: tradingDay };
  const { bars, problems: refused } = marketData.loadBarsChecked
    ? await marketData.loadBarsChecked(query)
    : { bars: await marketData.loadBars(query), problems: new Map<string, EnsembleError>() };
  const problems: Record<string, string> = {};
  const kept: [string, BarSeries][] = [];
  for (const symbol of wanted) {
    const why = refused.get(symbol);
    if (why) {
      problems[symbol] = `${kindOf(why)}: ${why.message}`;
      continue;
    }
    const s = bars.get(symbol);
    const problem = barProblem(s, tradingDay, sanity);
    if (problem) problems[symbol] = `${problem.kind}: ${problem.detail}`;
    if (s && !(problem && UNPRICED.has(problem.kind))) kept.push([symbol, s]);
  }
  const sessionSet = new Set<string>();
  for (const [, s] of kept) for (const d of s.dates) if (d <= tradingDay) sessionSet.add(d);
  const sessions = [...sessionSet].sort();
  const index = new Map(sessions.map((d, i) => [d, i] as const));
  const series: MarketSnapshot['series'] = {};
  for (const [symbol, s] of kept) {
    const last = lastOnOrBefore(s, tradingDay);
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
export const snapshotKey = (snapshot: MarketSnapshot): string =>
  keyOfJson(snapshot, JSON.stringify(snapshot));

/** {@link snapshotKey} of a snapshot whose JSON text is `json`. */
const keyOfJson = (snapshot: MarketSnapshot, json: string): string => {
  const hash = createHash('sha256').update(json).digest('hex');
  return `snapshots/${snapshot.tradingDay}/${hash}.json`;
};

/** Stores the snapshot under its content-addressed key and returns the key (the reference). */
export const storeMarketSnapshot = async (
  store: SnapshotStore,
  snapshot: MarketSnapshot,
): Promise<string> => {
  // Serialized once: the key is the hash of the text the store keeps.
  const json = JSON.stringify(snapshot);
  const key = keyOfJson(snapshot, json);
  await store.put(key, snapshot, json);
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
  /**
   * The snapshot this process just stored under `ref`, kept as a read of it would return it (the key is its
   * content's hash), without reading it back, parsing or validating what the process itself built.
   */
  remember(ref: string, snapshot: MarketSnapshot): LoadedSnapshot;
}

/** A {@link SnapshotReader} over a store, caching up to `keep` parsed snapshots. */
export const createSnapshotReader = (store: SnapshotStore, keep = 2): SnapshotReader => {
  const cache = new Map<string, Promise<LoadedSnapshot>>();
  const load = async (ref: string): Promise<LoadedSnapshot> => {
    const raw = await store.get(ref);
    if (raw === null) throw new SnapshotNotFoundError(ref);
    return loadedSnapshotOf(MarketSnapshot.parse(raw), ref);
  };
  const keepOnly = () => {
    while (cache.size > keep) cache.delete(cache.keys().next().value!);
  };
  return {
    read(ref) {
      let hit = cache.get(ref);
      if (!hit) {
        hit = load(ref);
        hit.catch(() => cache.delete(ref));
        cache.set(ref, hit);
        keepOnly();
      }
      return hit;
    },
    remember(ref, snapshot) {
      const loaded = loadedSnapshotOf(snapshot, ref);
      cache.delete(ref);
      cache.set(ref, Promise.resolve(loaded));
      keepOnly();
      return loaded;
    },
  };
};

/**
 * A snapshot as the steps read it (`ref`: the key it is stored under, if any). The prices of D are read at
 * once; the aligned history only when a step asks for it (Evaluate, when it evaluates on the day's data):
 * planning, execution and NAVs need only the prices.
 */
export const loadedSnapshotOf = (s: MarketSnapshot, ref = ''): LoadedSnapshot => {
  const prices: Record<string, string> = {};
  for (const [symbol, { first, closes }] of Object.entries(s.series)) {
    let k = closes.length - 1;
    while (k >= 0 && (closes[k] === null || closes[k] === undefined)) k--;
    if (k >= 0 && s.sessions[first + k] === s.tradingDay) prices[symbol] = quoted(closes[k]!);
  }
  let history: PriceHistory | undefined;
  return {
    ref,
    tradingDay: s.tradingDay,
    get history() {
      history ??= historyOf(s);
      return history;
    },
    problems: s.problems,
    prices,
  };
};

/** The snapshot's series as an aligned price history (a symbol's sessions without a close left out). */
const historyOf = (s: MarketSnapshot): PriceHistory => {
  const bars: BarSeries[] = [];
  for (const [symbol, { first, closes }] of Object.entries(s.series)) {
    const dates: string[] = [];
    const values = new Float64Array(closes.length);
    for (let k = 0; k < closes.length; k++) {
      const c = closes[k];
      if (c === null || c === undefined) continue;
      values[dates.length] = c;
      dates.push(s.sessions[first + k]!);
    }
    const n = dates.length;
    bars.push({ symbol, dates, closes: n === values.length ? values : values.slice(0, n) });
  }
  return PriceHistory.fromSeries(bars);
};

/** A close at the broker's price precision (core's `quotePrice`), as a decimal string. */
const quoted = (close: number): string => str(quotePrice(new D(String(close))));

/**
 * Throws for the first of `symbols` the snapshot marks unfit, with the error its kind calls for (all
 * blocking): PriceSuspectError (`suspect`), MarketDataInvalidError (`invalid`), MissingDataError (`missing`,
 * `gap`, `stale`).
 */
export const assertSymbolsFit = (snapshot: LoadedSnapshot, symbols: Iterable<string>): void => {
  for (const symbol of [...symbols].sort()) {
    const problem = snapshot.problems[symbol];
    if (problem === undefined) continue;
    if (problem.startsWith('suspect: '))
      throw new PriceSuspectError(symbol, snapshot.tradingDay, problem.slice('suspect: '.length));
    if (problem.startsWith('invalid: '))
      throw new MarketDataInvalidError(`${symbol}: ${problem} (as of ${snapshot.tradingDay})`, symbol);
    throw new MissingDataError(symbol, snapshot.tradingDay, problem);
  }
};
