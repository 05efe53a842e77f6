/**
 * The backtest's signals: each enabled strategy evaluated once over the whole range with the evaluator's
 * range mode, on the price history a live day's snapshot is cut from (every enabled strategy's symbols, so
 * the same session calendar), instead of once per day on a fresh snapshot. The evaluator never looks past
 * the session it evaluates (test/no-lookahead.test.ts), so a session's weights are the ones a live Evaluate
 * computes on that day's snapshot; they are converted to the signal's strings the same way
 * (`toWeightStrings`).
 *
 * A session gets no weights here when range mode reports an error for it, or when a symbol the strategy
 * reads has no bar on it (a live snapshot lists such a symbol as a problem, and Evaluate blocks): on those
 * sessions the backtest lets the Evaluate step run on the day's full snapshot and fail or block as it would
 * live.
 */
import type { LoadedStrategy } from '@ensemble/config';
import { type BarSeries, createStrategyEvaluator, PriceHistory, toWeightStrings } from '@ensemble/core';

/** Weights by session, of one strategy. */
export type SessionWeights = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** The strategies' weights over a range. */
export interface RangeSignals {
  /** Strategy id → session → weights (sessions without weights are absent). */
  readonly weights: ReadonlyMap<string, SessionWeights>;
  /**
   * Strategy id → the sessions on which it has no weights although every symbol it reads has a bar: its
   * Evaluate evaluates it there (and fails as range mode did), on the day's whole history. On its other
   * sessions without weights a symbol is unfit and Evaluate blocks before evaluating.
   */
  readonly evaluatedLive: ReadonlyMap<string, ReadonlySet<string>>;
  /** The first session of the range on which every strategy has weights, or null. */
  readonly firstEvaluable: string | null;
}

/**
 * Every strategy's weights on each session of [from, to] (`from` absent: the first session of the data),
 * by range mode over `bars` (see the module comment).
 */
export const rangeSignals = (
  strategies: readonly LoadedStrategy[],
  bars: ReadonlyMap<string, BarSeries>,
  range: { readonly from?: string; readonly to: string },
): RangeSignals => {
  const symbols = [...new Set(strategies.flatMap((s) => s.requirements.symbols))].sort();
  const series = symbols.flatMap((s) => {
    const b = bars.get(s);
    return b && b.dates.length > 0 ? [b] : [];
  });
  const weights = new Map<string, Map<string, Readonly<Record<string, string>>>>();
  const evaluatedLive = new Map<string, Set<string>>();
  if (series.length === 0) return { weights, evaluatedLive, firstEvaluable: null };
  const history = PriceHistory.fromSeries(series);
  const from = range.from ?? history.dates[0]!;
  const dateSets = new Map(series.map((s) => [s.symbol, new Set(s.dates)] as const));
  /** Every symbol the strategy reads has a bar on `day` (nothing stale or missing in the day's snapshot). */
  const fit = (s: LoadedStrategy, day: string) =>
    s.requirements.symbols.every((symbol) => dateSets.get(symbol)?.has(day) === true);
  for (const s of strategies) {
    const byDay = new Map<string, Readonly<Record<string, string>>>();
    const live = new Set<string>();
    for (const r of createStrategyEvaluator(s.strategy, history).evaluateRange(from, range.to)) {
      if (!fit(s, r.session)) continue;
      if ('weights' in r) byDay.set(r.session, toWeightStrings(r.weights));
      else live.add(r.session);
    }
    weights.set(s.id, byDay);
    evaluatedLive.set(s.id, live);
  }
  const firstEvaluable =
    history.dates.find(
      (d) => d >= from && d <= range.to && strategies.every((s) => weights.get(s.id)?.has(d) === true),
    ) ?? null;
  return { weights, evaluatedLive, firstEvaluable };
};
