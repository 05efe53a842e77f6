/**
 * Selection of asset-mode filters (every candidate a bare asset), the hot path: score each candidate on
 * its symbol's indicator series, keep the first N in ranking order, combine them. Builds no ranking
 * objects; the ranking of filter-ranking.ts gives the same order with details, for traces.
 */
import type { FilterNode } from '../dsl/ast.ts';
import { AllocTable } from './allocation.ts';
import type { LastCombinations } from './combinations.ts';
import type { FilterPlans } from './filter-plans.ts';
import type { PriceHistory } from './price-history.ts';
import { better, sameScore } from './ranking-order.ts';
import { isStale, type NodeCodes, type ResultCodes } from './result-codes.ts';

/** Selects the kept candidates of the asset-mode filters of one evaluator. */
export class AssetFilter {
  /*
   * Working arrays of filters that keep several candidates (written by index, never shrunk, so they are
   * allocated once; asset candidates evaluate no filter, so nothing re-enters).
   */
  private readonly scratchIndices: number[] = [];
  private readonly scratchBest: number[] = [];

  constructor(
    private readonly history: PriceHistory,
    private readonly plans: FilterPlans,
    private readonly codes: ResultCodes,
    private readonly combinations: LastCombinations,
    private readonly nodes: NodeCodes,
  ) {}

  /** The filter's result code on session t. */
  select(node: FilterNode, t: number): number {
    // in asset mode every candidate is its own sole asset
    const { soles: symbols, soleSeries: series } = this.plans.of(node);
    const candidates = node.candidates;
    const top = node.select.direction === 'top';
    if (node.select.count === 1) {
      // the common case: a linear scan for the best candidate
      let best = -1;
      let bestScore = Number.NaN;
      for (let k = 0; k < series.length; k++) {
        const s = series[k];
        if (!s) return this.codes.unknownSymbol(symbols[k]!);
        const v = s.at(t);
        if (Number.isNaN(v)) {
          if (isStale(this.history, symbols[k]!, t)) return this.codes.staleFail(symbols[k]!);
        } else if (best < 0 || better(top, symbols, k, best, v, bestScore)) {
          best = k;
          bestScore = v;
        }
      }
      return best < 0 ? AllocTable.EMPTY_ID : this.nodes.codeAt(candidates[best]!, t);
    }
    const count = node.select.count;
    // idx: candidates with a score, in order; best: the first `count` of them in ranking order
    const idx = this.scratchIndices;
    const best = this.scratchBest;
    let m = 0;
    let n = 0;
    let fuzzy = false;
    for (let k = 0; k < series.length; k++) {
      const s = series[k];
      if (!s) return this.codes.unknownSymbol(symbols[k]!);
      const v = s.at(t);
      if (Number.isNaN(v)) {
        if (isStale(this.history, symbols[k]!, t)) return this.codes.staleFail(symbols[k]!);
        continue;
      }
      for (let j = 0; j < m && !fuzzy; j++) {
        const u = series[idx[j]!]!.at(t);
        fuzzy = u !== v && sameScore(u, v);
      }
      idx[m++] = k;
      // insert k into best (kept sorted, at most `count` long)
      let j = n;
      while (j > 0 && better(top, symbols, k, best[j - 1]!, v, series[best[j - 1]!]!.at(t))) j--;
      if (j < count) {
        for (let i = Math.min(n, count - 1); i > j; i--) best[i] = best[i - 1]!;
        best[j] = k;
        if (n < count) n++;
      }
    }
    if (m === 0) return AllocTable.EMPTY_ID;
    if (fuzzy) {
      // Scores within the tie tolerance of each other without being equal: the order is not a total
      // order, so the result depends on the sort algorithm; keep the one the ranking (and traces) use.
      const sorted = idx.slice(0, m).sort((a, b) => {
        const sa = series[a]!.at(t);
        const sb = series[b]!.at(t);
        return better(top, symbols, a, b, sa, sb) ? -1 : better(top, symbols, b, a, sb, sa) ? 1 : 0;
      });
      for (let j = 0; j < n; j++) best[j] = sorted[j]!;
    }
    // the kept candidates' results, compared with the last combination as we go (as weights do)
    const last = this.combinations.inputs[node.id];
    let same = last !== undefined && last.length === n;
    let kept: number[] | undefined;
    for (let j = 0; j < n; j++) {
      const r = this.nodes.codeAt(candidates[best[j]!]!, t);
      if (same && last![j] !== r) {
        same = false;
        kept = last!.slice(0, j);
      }
      if (!same) (kept ??= []).push(r);
    }
    if (same) return this.combinations.results[node.id]!;
    return this.combinations.combine(node.id, kept!, null);
  }
}
