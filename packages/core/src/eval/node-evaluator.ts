/**
 * Evaluates a strategy tree on a price snapshot, for one session or many. A canonical node's result on a
 * session is computed once and reused: by later sessions, by duplicated subtrees, and by portfolio-mode
 * filters, which score a candidate on the equity curve of its own daily selections over its whole history
 * (see curves.ts). Pure: the snapshot is the only input; nothing after the evaluated session is read,
 * because every kernel is causal and curves use selections up to t−1 and prices up to t.
 */

import type {
  AssetNode,
  Comparison,
  ComparisonOp,
  FilterNode,
  IfNode,
  InverseVolatilityNode,
  StrategyNode,
  ValueExpr,
} from '../dsl/ast.ts';
import { barsNeeded, computeIndicator } from '../indicators/index.ts';
import type { IndicatorSeries } from '../indicators/series.ts';
import { type Alloc, AllocTable, type DayResult, type Fail, isEmpty } from './allocation.ts';
import type { PriceHistory } from './price-history.ts';
import { soleAsset } from './sole-asset.ts';

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

export interface FilterRanking {
  /** Ranked candidates, best first. */
  readonly ranked: readonly RankedCandidate[];
  readonly excluded: readonly RankedCandidate[];
  readonly kept: readonly RankedCandidate[];
}

interface Curve {
  readonly values: Float64Array;
  upTo: number;
}

interface MetricSeries {
  values: Float64Array;
  upTo: number;
}

/**
 * An `if` node's operands, resolved once: an indicator's series, null for an unknown symbol, undefined
 * for a literal (whose value is then in `leftValue`/`rightValue`). Kept apart so every operand is read
 * as a plain double.
 */
interface ResolvedCondition {
  readonly left: IndicatorSeries | null | undefined;
  readonly leftValue: number;
  readonly right: IndicatorSeries | null | undefined;
  readonly rightValue: number;
}

/** Per-candidate lookups of a filter node, resolved once. */
interface FilterPlan {
  /** Asset mode: each candidate's metric series (undefined: unknown symbol). */
  readonly series: readonly (IndicatorSeries | undefined)[];
  /** The one symbol a candidate always holds, if any (its curve is that asset's price). */
  readonly soles: readonly (string | undefined)[];
  /** The metric series of each candidate's sole symbol (undefined: none, or unknown symbol). */
  readonly soleSeries: readonly (IndicatorSeries | undefined)[];
  /** Portfolio mode: each candidate's metric on its equity curve, once computed. */
  readonly metrics: (MetricSeries | undefined)[];
}

/** A candidate ranked on the hot path: only what selection needs. */
interface Scored {
  readonly index: number;
  readonly score: number;
  readonly result: number;
  readonly tieKey: string;
}

/**
 * Evaluates the nodes of one strategy (canonical ids are per strategy) on sessions of one snapshot.
 *
 * Internally a node's result on a session is a small integer code: > 0 an allocation id of
 * {@link AllocTable} (equal allocations share one id), < 0 minus the index of a distinct {@link Fail},
 * 0 "not computed yet". The memo is then one zero-filled Int32Array per canonical node, which the
 * garbage collector never scans or copies, and a combining node recognises unchanged inputs by comparing
 * integers. The public methods (used by traces and tests) return the objects.
 */
export class NodeEvaluator {
  /** Result codes by canonical node id, then session (ids are small dense integers). */
  private readonly memo: (Int32Array | undefined)[] = [];
  private readonly allocs = new AllocTable();
  /** Distinct fails; code −k is failList[k] (index 0 unused). */
  private readonly failList: Fail[] = [];
  private readonly failCodes = new Map<string, number>();
  private readonly curves = new Map<number, Curve>();
  private readonly curveMetrics = new Map<string, MetricSeries>();
  private readonly sessions: number;
  private horizon = -1;
  /*
   * Lookups resolved once per canonical node id (same id ⇒ same symbols, indicators and windows), so the
   * per-session hot path does no string keys, map lookups or allocation.
   */
  private readonly assetCloses: (Float64Array | null | undefined)[] = [];
  private readonly assetCodes: number[] = [];
  private readonly conditions: (ResolvedCondition | undefined)[] = [];
  /** Fail codes of an `if` node's left and right operand and of its missing else-branch, built once. */
  private readonly conditionFails: number[][] = [];
  private readonly filterPlans: (FilterPlan | undefined)[] = [];
  /** Indicator series resolved once per expression (for `value`, used by traces). */
  private readonly exprSeries = new WeakMap<ValueExpr, IndicatorSeries | null>();
  /** Per allocation id, each symbol's closes (for curves) and, per window, stdev-return series. */
  private readonly allocCloses: (readonly (Float64Array | undefined)[] | undefined)[] = [];
  private readonly volSeries = new Map<number, (readonly (IndicatorSeries | undefined)[] | undefined)[]>();
  /** Input codes of a combining node's last combination, and its result from them. */
  private readonly lastInputs: (readonly number[] | undefined)[] = [];
  private readonly lastResults: number[] = [];
  /**
   * Working arrays of asset filters that keep several candidates (written by index, never shrunk, so
   * they are allocated once; asset candidates evaluate no filter, so nothing re-enters).
   */
  private readonly scratchIndices: number[] = [];
  private readonly scratchBest: number[] = [];

  constructor(readonly history: PriceHistory) {
    this.sessions = history.length;
    this.failList.push({ fail: 'eval', message: 'unused' });
  }

  /** Declare the last session any caller will ask about, so equity curves are built once up to it. */
  extendHorizon(t: number): void {
    if (t > this.horizon) this.horizon = t;
  }

  /** The node's result on session `t`. */
  at(node: StrategyNode, t: number): DayResult {
    return this.resultOf(this.codeAt(node, t));
  }

  private resultOf(code: number): DayResult {
    return code > 0 ? this.allocs.get(code) : this.failList[-code]!;
  }

  /** The node's result code on session `t`, memoized. */
  private codeAt(node: StrategyNode, t: number): number {
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
        return this.inverseVolatilityCode(node, t, undefined);
      case 'if':
        return this.ifAt(node, t);
      case 'filter': {
        if (node.mode === 'asset') return this.selectAssets(node, t);
        return this.selectPortfolios(node, t);
      }
    }
  }

  private asset(node: AssetNode, t: number): number {
    let closes = this.assetCloses[node.id];
    if (closes === undefined) {
      closes = this.history.closes(node.symbol) ?? null;
      this.assetCloses[node.id] = closes;
      this.assetCodes[node.id] = this.allocs.intern([node.symbol], [1]);
    }
    if (closes === null) return this.unknownSymbol(node.symbol);
    if (Number.isNaN(closes[t]!)) return this.staleFail(node.symbol);
    return this.assetCodes[node.id]!;
  }

  /** An `if` node on session t, its operands resolved once per node id. */
  private ifAt(node: IfNode, t: number): number {
    let c = this.conditions[node.id];
    if (c === undefined) {
      const { left, right } = node.condition;
      c = {
        left: this.operandSeries(left),
        leftValue: left.kind === 'literal' ? left.value : Number.NaN,
        right: this.operandSeries(right),
        rightValue: right.kind === 'literal' ? right.value : Number.NaN,
      };
      this.conditions[node.id] = c;
      this.conditionFails[node.id] = [];
    }
    // NaN: no value that day, or an unknown symbol (conditionFail tells which)
    const l = c.left === undefined ? c.leftValue : c.left === null ? Number.NaN : c.left.at(t);
    if (Number.isNaN(l)) return this.conditionFail(node, 0, t);
    const r = c.right === undefined ? c.rightValue : c.right === null ? Number.NaN : c.right.at(t);
    if (Number.isNaN(r)) return this.conditionFail(node, 1, t);
    const branch = compare(node.condition.op, l, r) ? node.then : node.else;
    if (!branch) return this.conditionFail(node, 2, t);
    return this.codeAt(branch, t);
  }

  /** An indicator operand's series, null for an unknown symbol, undefined for a literal. */
  private operandSeries(e: ValueExpr): IndicatorSeries | null | undefined {
    if (e.kind === 'literal') return undefined;
    return this.history.series(e.symbol, e.indicator, e.window) ?? null;
  }

  /** The fail code of an `if` node's left (0) or right (1) operand, or of its missing else-branch (2). */
  private conditionFail(node: IfNode, which: 0 | 1 | 2, t: number): number {
    const fails = this.conditionFails[node.id]!;
    let code = fails[which];
    if (code === undefined) {
      if (which === 2) {
        code = this.failCode(`no-else|${node.pos.line}:${node.pos.col}`, { fail: 'no-else', pos: node.pos });
      } else {
        code = this.valueCode(which === 0 ? node.condition.left : node.condition.right, t);
      }
      fails[which] = code;
    }
    return code;
  }

  private weighted(
    id: number,
    children: readonly StrategyNode[],
    weights: readonly number[] | null,
    t: number,
  ): number {
    // Compare with the previous combination as we go; allocate only when an input differs.
    const last = this.lastInputs[id];
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
    if (same) return this.lastResults[id]!;
    return this.combineInto(id, inputs!, weights);
  }

  /** Combination of the inputs, reusing the node's previous result when the inputs are the same. */
  private combineCached(id: number, inputs: readonly number[]): number {
    const last = this.lastInputs[id];
    if (last !== undefined && last.length === inputs.length) {
      let same = true;
      for (let k = 0; k < inputs.length && same; k++) same = last[k] === inputs[k];
      if (same) return this.lastResults[id]!;
    }
    return this.combineInto(id, inputs, null);
  }

  /** Combine the (non-failing) inputs and remember them as the node's last combination. */
  private combineInto(id: number, inputs: readonly number[], scales: readonly number[] | null): number {
    const result = this.allocs.combine(inputs, scales);
    this.lastInputs[id] = inputs;
    this.lastResults[id] = result;
    return result;
  }

  /** Inverse-volatility weights and, per child, the volatility used (NaN: dropped). */
  inverseVolatility(
    node: InverseVolatilityNode,
    t: number,
  ): { result: DayResult; vols: readonly { node: StrategyNode; vol: number }[] } {
    const vols: { node: StrategyNode; vol: number }[] = [];
    return { result: this.resultOf(this.inverseVolatilityCode(node, t, vols)), vols };
  }

  private inverseVolatilityCode(
    node: InverseVolatilityNode,
    t: number,
    vols: { node: StrategyNode; vol: number }[] | undefined,
  ): number {
    const ids: number[] = [];
    const scales: number[] = [];
    let byAlloc = this.volSeries.get(node.window);
    if (byAlloc === undefined) {
      byAlloc = [];
      this.volSeries.set(node.window, byAlloc);
    }
    for (const child of node.children) {
      const code = this.codeAt(child, t);
      if (code < 0) return code;
      const r = this.allocs.get(code);
      if (isEmpty(r)) continue;
      const stdevs = this.symbolSeries(byAlloc, code, r, (symbol) =>
        this.history.series(symbol, 'stdev-return', node.window),
      );
      let vol = 0;
      for (let k = 0; k < r.symbols.length; k++) vol += r.weights[k]! * (stdevs[k]?.at(t) ?? Number.NaN);
      vols?.push({ node: child, vol });
      if (vol > 0) {
        ids.push(code);
        scales.push(1 / vol);
      }
    }
    return this.allocs.combine(ids, scales);
  }

  /** The value of an operand on session t, or why it has none. */
  value(e: ValueExpr, t: number): number | Fail {
    if (e.kind === 'literal') return e.value;
    const v = this.exprValue(e, t);
    return typeof v === 'number' ? v : this.failList[-v.code]!;
  }

  /** The code of the fail of an operand that has no value on session t (only called when it has none). */
  private valueCode(e: ValueExpr, t: number): number {
    const v = e.kind === 'literal' ? e.value : this.exprValue(e, t);
    if (typeof v === 'number') throw new Error(`internal: operand has a value on session ${t}`);
    return v.code;
  }

  private exprValue(e: Exclude<ValueExpr, { kind: 'literal' }>, t: number): number | { code: number } {
    let series = this.exprSeries.get(e);
    if (series === undefined) {
      series = this.history.series(e.symbol, e.indicator, e.window) ?? null;
      this.exprSeries.set(e, series);
    }
    if (!series) return { code: this.unknownSymbol(e.symbol) };
    const v = series.at(t);
    if (Number.isNaN(v)) {
      const indicator = e.indicator === 'current-price' ? e.indicator : `${e.indicator}(${e.window})`;
      return {
        code: this.failCode(`d|${e.symbol}|${indicator}`, {
          fail: 'data',
          symbol: e.symbol,
          indicator,
          needed: barsNeeded(e.indicator, e.window),
        }),
      };
    }
    return v;
  }

  condition(c: Comparison, t: number): boolean | Fail {
    const l = this.value(c.left, t);
    if (typeof l !== 'number') return l;
    const r = this.value(c.right, t);
    if (typeof r !== 'number') return r;
    return compare(c.op, l, r);
  }

  /** The filter's per-candidate lookups, resolved on first use. */
  private plan(node: FilterNode): FilterPlan {
    let plan = this.filterPlans[node.id];
    if (plan === undefined) {
      const { indicator, window } = node.metric;
      const soles = node.candidates.map((c) => soleAsset(c));
      plan = {
        series:
          node.mode === 'asset'
            ? node.candidates.map((c) => this.history.series((c as AssetNode).symbol, indicator, window))
            : [],
        soles,
        soleSeries: soles.map((y) =>
          y === undefined ? undefined : this.history.series(y, indicator, window),
        ),
        metrics: [],
      };
      this.filterPlans[node.id] = plan;
    }
    return plan;
  }

  /**
   * Asset-mode filter without building ranking objects (the hot path; `rank` gives the same order with
   * details for traces): score each candidate's per-symbol series, order, keep the first N.
   */
  private selectAssets(node: FilterNode, t: number): number {
    const series = this.plan(node).series;
    const candidates = node.candidates as readonly AssetNode[];
    const top = node.select.direction === 'top';
    if (node.select.count === 1) {
      // the common case: a linear scan for the best candidate
      let best = -1;
      let bestScore = Number.NaN;
      for (let k = 0; k < series.length; k++) {
        const s = series[k];
        if (!s) return this.unknownSymbol(candidates[k]!.symbol);
        const v = s.at(t);
        if (Number.isNaN(v)) {
          if (this.isStale(candidates[k]!.symbol, t)) return this.staleFail(candidates[k]!.symbol);
        } else if (best < 0 || better(top, candidates, k, best, v, bestScore)) {
          best = k;
          bestScore = v;
        }
      }
      return best < 0 ? AllocTable.EMPTY_ID : this.codeAt(candidates[best]!, t);
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
      if (!s) return this.unknownSymbol(candidates[k]!.symbol);
      const v = s.at(t);
      if (Number.isNaN(v)) {
        if (this.isStale(candidates[k]!.symbol, t)) return this.staleFail(candidates[k]!.symbol);
        continue;
      }
      for (let j = 0; j < m && !fuzzy; j++) {
        const u = series[idx[j]!]!.at(t);
        fuzzy = u !== v && sameScore(u, v);
      }
      idx[m++] = k;
      // insert k into best (kept sorted, at most `count` long)
      let j = n;
      while (j > 0 && better(top, candidates, k, best[j - 1]!, v, series[best[j - 1]!]!.at(t))) j--;
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
        return better(top, candidates, a, b, sa, sb) ? -1 : better(top, candidates, b, a, sb, sa) ? 1 : 0;
      });
      for (let j = 0; j < n; j++) best[j] = sorted[j]!;
    }
    // the kept candidates' results, compared with the last combination as we go (as `weighted` does)
    const last = this.lastInputs[node.id];
    let same = last !== undefined && last.length === n;
    let kept: number[] | undefined;
    for (let j = 0; j < n; j++) {
      const r = this.codeAt(candidates[best[j]!]!, t);
      if (same && last![j] !== r) {
        same = false;
        kept = last!.slice(0, j);
      }
      if (!same) (kept ??= []).push(r);
    }
    if (same) return this.lastResults[node.id]!;
    return this.combineInto(node.id, kept!, null);
  }

  /** Portfolio-mode filter: the kept candidates of the ranking, combined (as `rank` orders them). */
  private selectPortfolios(node: FilterNode, t: number): number {
    const scored: Scored[] = [];
    const blocked = this.scoreCandidates(node, t, scored, undefined);
    if (blocked !== 0) return blocked;
    sortScored(node, scored);
    const kept: number[] = [];
    for (let j = 0; j < scored.length && j < node.select.count; j++) kept.push(scored[j]!.result);
    return this.combineCached(node.id, kept);
  }

  /** Rank a filter's candidates on session t. A candidate naming a symbol with no data at all is an error. */
  rank(node: FilterNode, t: number): FilterRanking | Fail {
    const scored: Scored[] = [];
    const excluded: RankedCandidate[] = [];
    const blocked = this.scoreCandidates(node, t, scored, excluded);
    if (blocked !== 0) return this.failList[-blocked]!;
    sortScored(node, scored);
    const ranked: RankedCandidate[] = scored.map((c) => ({
      index: c.index,
      node: node.candidates[c.index]!,
      score: c.score,
      result: this.resultOf(c.result),
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
    const plan = this.plan(node);
    const negate = node.mode === 'portfolio' && node.metric.indicator === 'max-drawdown';
    for (let index = 0; index < node.candidates.length; index++) {
      const cand = node.candidates[index]!;
      const code = this.codeAt(cand, t);
      if (code < 0) {
        const result = this.failList[-code]!;
        // Unknown or stale (data ended) symbols block the strategy; only too-short history is left out.
        if (result.fail === 'unknown-symbol') return code;
        if (result.fail === 'data' && this.isStale(result.symbol, t)) return code;
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
      const result = this.allocs.get(code);
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
      if (Number.isNaN(raw) && sole !== undefined && this.isStale(sole, t)) return this.staleFail(sole);
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
    const { indicator, window } = node.metric;
    const symbol = plan.soles[index];
    if (symbol !== undefined) return plan.soleSeries[index]?.at(t) ?? Number.NaN;
    let metric = plan.metrics[index];
    if (metric === undefined) {
      // shared by every filter scoring this candidate with the same metric
      const cand = node.candidates[index]!;
      const key = `${cand.id}|${indicator}|${window}`;
      metric = this.curveMetrics.get(key);
      if (metric === undefined) {
        metric = { values: new Float64Array(0), upTo: -1 };
        this.curveMetrics.set(key, metric);
      }
      plan.metrics[index] = metric;
    }
    if (metric.upTo < t) {
      const upTo = Math.max(t, this.horizon);
      metric.values = computeIndicator(indicator, this.curve(node.candidates[index]!, upTo), window);
      metric.upTo = upTo;
    }
    return metric.values[t]!;
  }

  /**
   * The candidate's synthetic price: 100 on the first session it can be evaluated, then compounding the
   * weighted close-to-close return earned on session s by the selection made on s−1. A session on which
   * the candidate cannot be evaluated, or whose return is unknown (a held asset has no bar), breaks the
   * curve (NaN), so no indicator window reaches across the break; it restarts at 100 on the next
   * evaluable session. An empty selection (nothing held) earns 0.
   */
  curve(cand: StrategyNode, upTo: number): Float64Array {
    let curve = this.curves.get(cand.id);
    if (!curve) {
      curve = { values: new Float64Array(this.sessions).fill(Number.NaN), upTo: -1 };
      this.curves.set(cand.id, curve);
    }
    const v = curve.values;
    for (let t = curve.upTo + 1; t <= upTo; t++) {
      let next = Number.NaN;
      if (this.codeAt(cand, t) > 0) {
        // v[t − 1] is defined only where the candidate could be evaluated on t − 1.
        const prev = t > 0 && !Number.isNaN(v[t - 1]!) ? this.codeAt(cand, t - 1) : 0;
        next = prev > 0 ? v[t - 1]! * (1 + this.dayReturn(prev, t)) : 100;
      }
      v[t] = next;
    }
    if (upTo > curve.upTo) curve.upTo = upTo;
    return v;
  }

  /** The return earned on session t by allocation `id` held from the close of t − 1. */
  private dayReturn(id: number, t: number): number {
    const alloc = this.allocs.get(id);
    const closes = this.symbolSeries(this.allocCloses, id, alloc, (symbol) => this.history.closes(symbol));
    let r = 0;
    for (let k = 0; k < alloc.symbols.length; k++) {
      const c = closes[k]!;
      r += alloc.weights[k]! * (c[t]! / c[t - 1]! - 1);
    }
    return r;
  }

  /** A per-symbol series of allocation `id`, looked up once per allocation and kept in `cache`. */
  private symbolSeries<S>(
    cache: (readonly (S | undefined)[] | undefined)[],
    id: number,
    alloc: Alloc,
    lookup: (symbol: string) => S | undefined,
  ): readonly (S | undefined)[] {
    let series = cache[id];
    if (series === undefined) {
      series = alloc.symbols.map(lookup);
      cache[id] = series;
    }
    return series;
  }

  /** True when the symbol's data ended before session t (delisted, or a stale feed). */
  private isStale(symbol: string, t: number): boolean {
    const span = this.history.span(symbol);
    return span !== undefined && t > span.last;
  }

  private unknownSymbol(symbol: string): number {
    return this.failCode(`u|${symbol}`, { fail: 'unknown-symbol', symbol });
  }

  /** No bar on the session (data ended, or has not started): the asset's price is missing. */
  private staleFail(symbol: string): number {
    return this.failCode(`p|${symbol}`, { fail: 'data', symbol, indicator: 'price', needed: 1 });
  }

  /** The (negative) code of the fail with this key, registering `f` on first sight. */
  private failCode(key: string, f: Fail): number {
    let code = this.failCodes.get(key);
    if (code === undefined) {
      code = -this.failList.length;
      this.failList.push(f);
      this.failCodes.set(key, code);
    }
    return code;
  }
}

/**
 * Order scored candidates best first: by score (ties within {@link TIE_TOLERANCE}), then tie key, then
 * position.
 */
function sortScored(node: FilterNode, scored: Scored[]): void {
  const sign = node.select.direction === 'top' ? -1 : 1;
  scored.sort(
    (a, b) =>
      (sameScore(a.score, b.score) ? 0 : sign * (a.score - b.score)) ||
      (a.tieKey < b.tieKey ? -1 : a.tieKey > b.tieKey ? 1 : a.index - b.index),
  );
}

/**
 * Scores this close are ties: mathematically equal scores computed along different paths (e.g. two
 * groups holding the same assets, whose curves started on different days) differ in the last bits, and
 * such noise must not decide a ranking. Ties then go to the tie-break rule.
 */
export const TIE_TOLERANCE = 1e-12;

function sameScore(a: number, b: number): boolean {
  return Math.abs(a - b) <= TIE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** Whether asset candidate a (score sa) ranks before b (score sb): better score, else ticker, else position. */
function better(
  top: boolean,
  candidates: readonly AssetNode[],
  a: number,
  b: number,
  sa: number,
  sb: number,
): boolean {
  if (!sameScore(sa, sb)) return top ? sa > sb : sa < sb;
  const ya = candidates[a]!.symbol;
  const yb = candidates[b]!.symbol;
  return ya < yb || (ya === yb && a < b);
}

function compare(op: ComparisonOp, l: number, r: number): boolean {
  switch (op) {
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    case '=':
      return l === r;
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
