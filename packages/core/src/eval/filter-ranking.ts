/**
 * Filter ranking: every candidate of a filter scored on a session, on its sole asset's price (a candidate
 * that always holds one asset) or else on its own equity curve, then ordered (ranking-order.ts). Selects
 * the kept candidates of portfolio-mode filters, and gives any filter's ranking with scores and exclusion
 * reasons for traces. Asset-mode selection takes the faster path of asset-filter.ts to the same order.
 */
import type { FilterNode, StrategyNode } from '../dsl/ast.ts';
import { barsNeeded } from '../indicators/index.ts';
import { type DayResult, type Fail, isEmpty } from './allocation.ts';
import type { LastCombinations } from './combinations.ts';
import type { EquityCurves } from './equity-curves.ts';
import type { FilterPlan, FilterPlans } from './filter-plans.ts';
import type { PriceHistory } from './price-history.ts';
import { type Scored, sortScored } from './ranking-order.ts';
import { isStale, type NodeCodes, type ResultCodes } from './result-codes.ts';

/** One candidate of a filter on one session: its score, or why it was left out. */
export interface RankedCandidate {
  readonly index: number;
  readonly node: StrategyNode;
  readonly score: number;
  readonly result: DayResult;
  /** Why the candidate could not be ranked; absent when it was ranked. */
  readonly excluded?: string;
  /** Tie-break key: the ticker, or for a portfolio candidate the first symbol it holds. */
  readonly tieKey: string;
}

/** A filter's candidates on one session. */
export interface FilterRanking {
  /** Ranked candidates, best first. */
  readonly ranked: readonly RankedCandidate[];
  readonly excluded: readonly RankedCandidate[];
  readonly kept: readonly RankedCandidate[];
}

/** Scores and ranks the filters of one evaluator; selects the kept candidates of portfolio-mode filters. */
export class FilterRanker {
  constructor(
    private readonly history: PriceHistory,
    private readonly plans: FilterPlans,
    private readonly codes: ResultCodes,
    private readonly combinations: LastCombinations,
    private readonly curves: EquityCurves,
    private readonly nodes: NodeCodes,
  ) {}

  /** Portfolio-mode filter on session t: the kept candidates of the ranking, combined (as `rank` orders them). */
  selectPortfolios(node: FilterNode, t: number): number {
    const scored: Scored[] = [];
    const blocked = this.scoreCandidates(node, t, scored, undefined);
    if (blocked !== 0) return blocked;
    sortScored(node.select.direction === 'top', scored);
    const kept: number[] = [];
    for (let j = 0; j < scored.length && j < node.select.count; j++) kept.push(scored[j]!.result);
    return this.combinations.cached(node.id, kept);
  }

  /** Rank a filter's candidates on session t. A candidate naming a symbol with no data at all is an error. */
  rank(node: FilterNode, t: number): FilterRanking | Fail {
    const scored: Scored[] = [];
    const excluded: RankedCandidate[] = [];
    const blocked = this.scoreCandidates(node, t, scored, excluded);
    if (blocked !== 0) return this.codes.fail(blocked);
    sortScored(node.select.direction === 'top', scored);
    const ranked: RankedCandidate[] = scored.map((c) => ({
      index: c.index,
      node: node.candidates[c.index]!,
      score: c.score,
      result: this.codes.result(c.result),
      tieKey: c.tieKey,
    }));
    return { ranked, excluded, kept: ranked.slice(0, node.select.count) };
  }

  /**
   * Score every candidate of a filter on session t into `scored` (unsorted; scores of a max-drawdown
   * portfolio filter negated, so that higher is better for both directions' sort). Candidates that
   * cannot be ranked go to `excluded` with the reason, when it is given. Returns the fail code that
   * blocks the whole filter, or 0.
   */
  private scoreCandidates(
    node: FilterNode,
    t: number,
    scored: Scored[],
    excluded: RankedCandidate[] | undefined,
  ): number {
    const plan = this.plans.of(node);
    const negate = node.mode === 'portfolio' && node.metric.indicator === 'max-drawdown';
    for (let index = 0; index < node.candidates.length; index++) {
      const cand = node.candidates[index]!;
      const code = this.nodes.codeAt(cand, t);
      if (code < 0) {
        const result = this.codes.fail(code);
        // Unknown or stale (data ended) symbols block the strategy; only too-short history is left out.
        if (result.fail === 'unknown-symbol') return code;
        if (result.fail === 'data' && isStale(this.history, result.symbol, t)) return code;
        excluded?.push({
          index,
          node: cand,
          score: Number.NaN,
          result,
          excluded: failReason(result),
          tieKey: '',
        });
        continue;
      }
      const result = this.codes.allocs.get(code);
      if (isEmpty(result)) {
        excluded?.push({
          index,
          node: cand,
          score: Number.NaN,
          result,
          excluded: 'empty selection',
          tieKey: '',
        });
        continue;
      }
      const raw = this.score(node, plan, index, t);
      const sole = plan.soles[index];
      if (Number.isNaN(raw) && sole !== undefined && isStale(this.history, sole, t)) {
        return this.codes.staleFail(sole);
      }
      if (Number.isNaN(raw)) {
        if (excluded) {
          const why = `${node.metric.indicator}(${node.metric.window}) needs ${barsNeeded(node.metric.indicator, node.metric.window)} bars of ${node.mode === 'asset' ? 'price' : 'its equity curve'}`;
          excluded.push({ index, node: cand, score: raw, result, excluded: why, tieKey: '' });
        }
        continue;
      }
      scored.push({ index, score: negate ? -raw : raw, result: code, tieKey: result.symbols[0]! });
    }
    return 0;
  }

  /** Candidate `index`'s metric on session t: on its sole asset's price, or on its equity curve. */
  private score(node: FilterNode, plan: FilterPlan, index: number, t: number): number {
    if (plan.soles[index] !== undefined) return plan.soleSeries[index]?.at(t) ?? Number.NaN;
    let metric = plan.metrics[index];
    if (metric === undefined) {
      metric = this.curves.metric(node.candidates[index]!, node.metric.indicator, node.metric.window);
      plan.metrics[index] = metric;
    }
    return this.curves.metricAt(metric, t);
  }
}

function failReason(f: Fail): string {
  switch (f.fail) {
    case 'data':
      return `${f.indicator} of ${f.symbol} needs ${f.needed} bars`;
    case 'unknown-symbol':
      return `no data for ${f.symbol}`;
    case 'no-else':
      return `if at ${f.pos.line}:${f.pos.col} is false and has no else-branch`;
    case 'eval':
      return f.message;
  }
}
