/**
 * The tree walk: a strategy node's result on a session, computed once per canonical node and session and
 * reused by later sessions, by duplicated subtrees and by the equity curves of portfolio-mode filters.
 * Assets, groups and fixed weights are evaluated here; the other node kinds by their own modules:
 * conditions.ts (`if`), inverse-volatility.ts, asset-filter.ts and filter-ranking.ts (filters), whose
 * portfolio candidates are scored on equity-curves.ts. Results are integer codes (result-codes.ts).
 * Pure: the snapshot is the only input; nothing after the evaluated session is read, because every kernel
 * is causal and curves use selections up to t−1 and prices up to t.
 */
import type {
  AssetNode,
  Comparison,
  FilterNode,
  InverseVolatilityNode,
  StrategyNode,
  ValueExpr,
} from '../dsl/ast.ts';
import type { DayResult, Fail } from './allocation.ts';
import { AssetFilter } from './asset-filter.ts';
import { LastCombinations } from './combinations.ts';
import { Conditions } from './conditions.ts';
import { EquityCurves } from './equity-curves.ts';
import { FilterPlans } from './filter-plans.ts';
import { FilterRanker, type FilterRanking } from './filter-ranking.ts';
import { type ChildVolatility, InverseVolatility } from './inverse-volatility.ts';
import type { PriceHistory } from './price-history.ts';
import { type NodeCodes, ResultCodes } from './result-codes.ts';

/**
 * Evaluates the nodes of one strategy (canonical ids are per strategy) on sessions of one snapshot. The
 * memo is one zero-filled Int32Array of result codes per canonical node; the public methods (used by
 * traces and tests) return the objects the codes stand for.
 */
export class NodeEvaluator implements NodeCodes {
  /** Result codes by canonical node id, then session (ids are small dense integers). */
  private readonly memo: (Int32Array | undefined)[] = [];
  private readonly sessions: number;
  private readonly codes = new ResultCodes();
  private readonly combinations: LastCombinations;
  private readonly conditions: Conditions;
  private readonly inverseVol: InverseVolatility;
  private readonly curves: EquityCurves;
  private readonly assetFilter: AssetFilter;
  private readonly ranking: FilterRanker;
  /** Per asset node id: the symbol's closes (null: unknown symbol) and its 100 % allocation's code. */
  private readonly assetCloses: (Float64Array | null | undefined)[] = [];
  private readonly assetCodes: number[] = [];

  constructor(readonly history: PriceHistory) {
    this.sessions = history.length;
    const codes = this.codes;
    this.combinations = new LastCombinations(codes.allocs);
    this.conditions = new Conditions(history, codes, this);
    this.inverseVol = new InverseVolatility(history, codes, this);
    this.curves = new EquityCurves(history, codes, this);
    const plans = new FilterPlans(history);
    this.assetFilter = new AssetFilter(history, plans, codes, this.combinations, this);
    this.ranking = new FilterRanker(history, plans, codes, this.combinations, this.curves, this);
  }

  /** Declare the last session any caller will ask about, so equity curves are built once up to it. */
  extendHorizon(t: number): void {
    this.curves.extendHorizon(t);
  }

  /** The node's result on session `t`. */
  at(node: StrategyNode, t: number): DayResult {
    return this.codes.result(this.codeAt(node, t));
  }

  /** The value of an operand on session t, or why it has none. */
  value(e: ValueExpr, t: number): number | Fail {
    return this.conditions.value(e, t);
  }

  /** Whether the comparison holds on session t, or why an operand has no value. */
  condition(c: Comparison, t: number): boolean | Fail {
    return this.conditions.condition(c, t);
  }

  /** Rank a filter's candidates on session t. A candidate naming a symbol with no data at all is an error. */
  rank(node: FilterNode, t: number): FilterRanking | Fail {
    return this.ranking.rank(node, t);
  }

  /** Inverse-volatility weights and, per child, the volatility used (NaN: dropped). */
  inverseVolatility(
    node: InverseVolatilityNode,
    t: number,
  ): { result: DayResult; vols: readonly ChildVolatility[] } {
    const vols: ChildVolatility[] = [];
    return { result: this.codes.result(this.inverseVol.at(node, t, vols)), vols };
  }

  /** The candidate's equity curve up to session `upTo` (see {@link EquityCurves.curve}). */
  curve(cand: StrategyNode, upTo: number): Float64Array {
    return this.curves.curve(cand, upTo);
  }

  /** The node's result code on session `t`, memoized. */
  codeAt(node: StrategyNode, t: number): number {
    let days = this.memo[node.id];
    if (days === undefined) {
      days = new Int32Array(this.sessions);
      this.memo[node.id] = days;
    }
    const hit = days[t]!;
    if (hit !== 0) return hit;
    const code = this.compute(node, t);
    days[t] = code;
    return code;
  }

  /** The node's result code on session t, not yet memoized. */
  private compute(node: StrategyNode, t: number): number {
    switch (node.kind) {
      case 'asset':
        return this.asset(node, t);
      case 'group':
        // A group has its child's id (compile.ts), so the child's memo slot is the one being filled.
        return this.compute(node.child, t);
      case 'weight-equal':
        // One child: the child's id and result (combining a single non-empty result returns it as is).
        if (node.children.length === 1) return this.compute(node.children[0]!, t);
        return this.weighted(node.id, node.children, null, t);
      case 'weight-specified':
        return this.weighted(node.id, node.children, node.weights, t);
      case 'weight-inverse-volatility':
        return this.inverseVol.at(node, t, undefined);
      case 'if':
        return this.conditions.at(node, t);
      case 'filter':
        if (node.mode === 'asset') return this.assetFilter.select(node, t);
        return this.ranking.selectPortfolios(node, t);
    }
  }

  private asset(node: AssetNode, t: number): number {
    let closes = this.assetCloses[node.id];
    if (closes === undefined) {
      closes = this.history.closes(node.symbol) ?? null;
      this.assetCloses[node.id] = closes;
      this.assetCodes[node.id] = this.codes.allocs.intern([node.symbol], [1]);
    }
    if (closes === null) return this.codes.unknownSymbol(node.symbol);
    if (Number.isNaN(closes[t]!)) return this.codes.staleFail(node.symbol);
    return this.assetCodes[node.id]!;
  }

  private weighted(
    id: number,
    children: readonly StrategyNode[],
    weights: readonly number[] | null,
    t: number,
  ): number {
    // Compare with the previous combination as we go; allocate only when an input differs.
    const last = this.combinations.inputs[id];
    let same = last !== undefined && last.length === children.length;
    let inputs: number[] | undefined;
    for (let k = 0; k < children.length; k++) {
      const r = this.codeAt(children[k]!, t);
      if (r < 0) return r;
      if (same && last![k] !== r) {
        same = false;
        inputs = last!.slice(0, k);
      }
      if (!same) (inputs ??= []).push(r);
    }
    if (same) return this.combinations.results[id]!;
    return this.combinations.combine(id, inputs!, weights);
  }
}
