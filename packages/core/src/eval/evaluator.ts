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
  FilterNode,
  InverseVolatilityNode,
  StrategyNode,
  ValueExpr,
} from '../dsl/ast.ts';
import { barsNeeded, computeIndicator } from '../indicators/index.ts';
import {
  type Alloc,
  combine,
  type DayResult,
  EMPTY,
  type Fail,
  isEmpty,
  isFail,
  single,
} from './allocation.ts';
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

export class NodeEvaluator {
  /** Results by canonical node id, then session (ids are small dense integers). */
  private readonly memo: (DayResult | undefined)[][] = [];
  private readonly assetAllocs = new Map<string, Alloc>();
  private readonly fails = new Map<string, Fail>();
  private readonly curves = new Map<number, Curve>();
  private readonly curveMetrics = new Map<string, MetricSeries>();
  private horizon = -1;
  /** Indicator series resolved once per expression or filter node (no string keys on the hot path). */
  private readonly exprSeries = new WeakMap<ValueExpr, Float64Array | null>();
  private readonly candidateSeries = new WeakMap<FilterNode, (Float64Array | undefined)[]>();
  /** Last result of a weighting node and the child results it was combined from (consecutive sessions often agree). */
  private readonly lastCombined: ({ inputs: DayResult[]; result: Alloc } | undefined)[] = [];

  constructor(readonly history: PriceHistory) {}

  /** Declare the last session any caller will ask about, so equity curves are built once up to it. */
  extendHorizon(t: number): void {
    if (t > this.horizon) this.horizon = t;
  }

  /** The node's result on session `t`. */
  at(node: StrategyNode, t: number): DayResult {
    let days = this.memo[node.id];
    if (!days) {
      days = new Array(this.history.length);
      this.memo[node.id] = days;
    }
    const hit = days[t];
    if (hit) return hit;
    const result = this.compute(node, t);
    days[t] = result;
    return result;
  }

  private compute(node: StrategyNode, t: number): DayResult {
    switch (node.kind) {
      case 'asset':
        return this.asset(node.symbol, t);
      case 'group':
        return this.at(node.child, t);
      case 'weight-equal':
        return this.weighted(node.id, node.children, null, t);
      case 'weight-specified':
        return this.weighted(node.id, node.children, node.weights, t);
      case 'weight-inverse-volatility':
        return this.inverseVolatility(node, t).result;
      case 'if': {
        const taken = this.condition(node.condition, t);
        if (typeof taken !== 'boolean') return taken;
        const branch = taken ? node.then : node.else;
        if (!branch)
          return this.fail(`no-else|${node.pos.line}:${node.pos.col}`, { fail: 'no-else', pos: node.pos });
        return this.at(branch, t);
      }
      case 'filter': {
        if (node.mode === 'asset') return this.selectAssets(node, t);
        const ranking = this.rank(node, t);
        if ('fail' in ranking) return ranking;
        return this.combineCached(
          node.id,
          ranking.kept.map((c) => c.result),
          null,
        );
      }
    }
  }

  private asset(symbol: string, t: number): DayResult {
    const closes = this.history.closes(symbol);
    if (!closes) return this.fail(`u|${symbol}`, { fail: 'unknown-symbol', symbol });
    if (Number.isNaN(closes[t]!)) {
      return this.fail(`p|${symbol}`, { fail: 'data', symbol, indicator: 'price', needed: 1 });
    }
    let alloc = this.assetAllocs.get(symbol);
    if (!alloc) {
      alloc = single(symbol);
      this.assetAllocs.set(symbol, alloc);
    }
    return alloc;
  }

  private weighted(
    id: number,
    children: readonly StrategyNode[],
    weights: readonly number[] | null,
    t: number,
  ): DayResult {
    // Compare with the previous combination as we go; allocate only when an input differs.
    const last = this.lastCombined[id];
    let same = last !== undefined && last.inputs.length === children.length;
    let inputs: DayResult[] | undefined;
    for (let k = 0; k < children.length; k++) {
      const r = this.at(children[k]!, t);
      if (isFail(r)) return r;
      if (same && last!.inputs[k] !== r) {
        same = false;
        inputs = last!.inputs.slice(0, k);
      }
      if (!same) (inputs ??= []).push(r);
    }
    if (same) return last!.result;
    return this.combineCached(id, inputs!, weights);
  }

  /** combine() of the inputs, reusing the node's previous result when every input is the same object. */
  private combineCached(id: number, inputs: DayResult[], scales: readonly number[] | null): Alloc {
    const last = this.lastCombined[id];
    if (last && last.inputs.length === inputs.length && last.inputs.every((r, k) => r === inputs[k])) {
      return last.result;
    }
    const parts: { alloc: Alloc; scale: number }[] = [];
    for (let k = 0; k < inputs.length; k++) {
      const r = inputs[k] as Alloc;
      if (!isEmpty(r)) parts.push({ alloc: r, scale: scales ? scales[k]! : 1 });
    }
    const result = parts.length === 0 ? EMPTY : combine(parts);
    this.lastCombined[id] = { inputs, result };
    return result;
  }

  /** Inverse-volatility weights and, per child, the volatility used (NaN: dropped). */
  inverseVolatility(
    node: InverseVolatilityNode,
    t: number,
  ): { result: DayResult; vols: readonly { node: StrategyNode; vol: number }[] } {
    const parts: { alloc: Alloc; scale: number }[] = [];
    const vols: { node: StrategyNode; vol: number }[] = [];
    for (const child of node.children) {
      const r = this.at(child, t);
      if (isFail(r)) return { result: r, vols };
      if (isEmpty(r)) continue;
      let vol = 0;
      for (let k = 0; k < r.symbols.length; k++) {
        const series = this.history.indicator(r.symbols[k]!, 'stdev-return', node.window);
        vol += r.weights[k]! * (series?.[t] ?? Number.NaN);
      }
      vols.push({ node: child, vol });
      if (vol > 0) parts.push({ alloc: r, scale: 1 / vol });
    }
    return { result: parts.length === 0 ? EMPTY : combine(parts), vols };
  }

  /** The value of an operand on session t, or why it has none. */
  value(e: ValueExpr, t: number): number | Fail {
    if (e.kind === 'literal') return e.value;
    let series = this.exprSeries.get(e);
    if (series === undefined) {
      series = this.history.indicator(e.symbol, e.indicator, e.window) ?? null;
      this.exprSeries.set(e, series);
    }
    if (!series) return this.fail(`u|${e.symbol}`, { fail: 'unknown-symbol', symbol: e.symbol });
    const v = series[t]!;
    if (Number.isNaN(v)) {
      const indicator = e.indicator === 'current-price' ? e.indicator : `${e.indicator}(${e.window})`;
      return this.fail(`d|${e.symbol}|${indicator}`, {
        fail: 'data',
        symbol: e.symbol,
        indicator,
        needed: barsNeeded(e.indicator, e.window),
      });
    }
    return v;
  }

  condition(c: Comparison, t: number): boolean | Fail {
    const l = this.value(c.left, t);
    if (typeof l !== 'number') return l;
    const r = this.value(c.right, t);
    if (typeof r !== 'number') return r;
    switch (c.op) {
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

  /**
   * Asset-mode filter without building ranking objects (the hot path; `rank` gives the same order with
   * details for traces): score each candidate's per-symbol series, order, keep the first N.
   */
  private selectAssets(node: FilterNode, t: number): DayResult {
    let series = this.candidateSeries.get(node);
    if (!series) {
      series = node.candidates.map((c) =>
        this.history.indicator((c as AssetNode).symbol, node.metric.indicator, node.metric.window),
      );
      this.candidateSeries.set(node, series);
    }
    const candidates = node.candidates as readonly AssetNode[];
    const better = (a: number, b: number, sa: number, sb: number): boolean => {
      if (!sameScore(sa, sb)) return node.select.direction === 'top' ? sa > sb : sa < sb;
      const ya = candidates[a]!.symbol;
      const yb = candidates[b]!.symbol;
      return ya < yb || (ya === yb && a < b);
    };
    const idx: number[] = [];
    const scores: number[] = [];
    for (let k = 0; k < series.length; k++) {
      const s = series[k];
      if (!s)
        return this.fail(`u|${candidates[k]!.symbol}`, {
          fail: 'unknown-symbol',
          symbol: candidates[k]!.symbol,
        });
      const v = s[t]!;
      scores.push(v);
      if (!Number.isNaN(v)) idx.push(k);
      else if (this.isStale(candidates[k]!.symbol, t)) return this.staleFail(candidates[k]!.symbol);
    }
    if (idx.length === 0) return EMPTY;
    if (node.select.count === 1) {
      // the common case: a linear scan for the best candidate
      let best = idx[0]!;
      for (let j = 1; j < idx.length; j++) {
        const k = idx[j]!;
        if (better(k, best, scores[k]!, scores[best]!)) best = k;
      }
      return this.at(candidates[best]!, t);
    }
    idx.sort((a, b) =>
      better(a, b, scores[a]!, scores[b]!) ? -1 : better(b, a, scores[b]!, scores[a]!) ? 1 : 0,
    );
    const kept = idx.slice(0, node.select.count).map((k) => this.at(candidates[k]!, t));
    return this.combineCached(node.id, kept, null);
  }

  /** Rank a filter's candidates on session t. A candidate naming a symbol with no data at all is an error. */
  rank(node: FilterNode, t: number): FilterRanking | Fail {
    const scored: RankedCandidate[] = [];
    const excluded: RankedCandidate[] = [];
    const negate = node.mode === 'portfolio' && node.metric.indicator === 'max-drawdown';
    for (let index = 0; index < node.candidates.length; index++) {
      const cand = node.candidates[index]!;
      const result = this.at(cand, t);
      if (isFail(result)) {
        // Unknown or stale (data ended) symbols block the strategy; only too-short history is left out.
        if (result.fail === 'unknown-symbol') return result;
        if (result.fail === 'data' && this.isStale(result.symbol, t)) return result;
        excluded.push({
          index,
          node: cand,
          score: Number.NaN,
          result,
          excluded: failReason(result),
          tieKey: '',
        });
        continue;
      }
      if (isEmpty(result)) {
        excluded.push({
          index,
          node: cand,
          score: Number.NaN,
          result,
          excluded: 'empty selection',
          tieKey: '',
        });
        continue;
      }
      const raw = this.score(node, cand, t);
      const sole = soleAsset(cand);
      if (Number.isNaN(raw) && sole !== undefined && this.isStale(sole, t)) return this.staleFail(sole);
      if (Number.isNaN(raw)) {
        const why = `${node.metric.indicator}(${node.metric.window}) needs ${barsNeeded(node.metric.indicator, node.metric.window)} bars of ${node.mode === 'asset' ? 'price' : 'its equity curve'}`;
        excluded.push({ index, node: cand, score: raw, result, excluded: why, tieKey: '' });
        continue;
      }
      scored.push({ index, node: cand, score: negate ? -raw : raw, result, tieKey: result.symbols[0]! });
    }
    const sign = node.select.direction === 'top' ? -1 : 1;
    scored.sort(
      (a, b) =>
        (sameScore(a.score, b.score) ? 0 : sign * (a.score - b.score)) ||
        (a.tieKey < b.tieKey ? -1 : a.tieKey > b.tieKey ? 1 : a.index - b.index),
    );
    return { ranked: scored, excluded, kept: scored.slice(0, node.select.count) };
  }

  private score(node: FilterNode, cand: StrategyNode, t: number): number {
    const { indicator, window } = node.metric;
    const symbol = soleAsset(cand);
    if (symbol !== undefined) return this.history.indicator(symbol, indicator, window)?.[t] ?? Number.NaN;
    const key = `${cand.id}|${indicator}|${window}`;
    let metric = this.curveMetrics.get(key);
    if (!metric || metric.upTo < t) {
      const upTo = Math.max(t, this.horizon);
      const curve = this.curve(cand, upTo);
      metric = { values: computeIndicator(indicator, curve, window), upTo };
      this.curveMetrics.set(key, metric);
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
      curve = { values: new Float64Array(this.history.length).fill(Number.NaN), upTo: -1 };
      this.curves.set(cand.id, curve);
    }
    const v = curve.values;
    for (let t = curve.upTo + 1; t <= upTo; t++) {
      let next = Number.NaN;
      if (!isFail(this.at(cand, t))) {
        // v[t − 1] is defined only where the candidate could be evaluated on t − 1.
        const prev = t > 0 && !Number.isNaN(v[t - 1]!) ? this.at(cand, t - 1) : undefined;
        next = prev && !isFail(prev) ? v[t - 1]! * (1 + this.dayReturn(prev, t)) : 100;
      }
      v[t] = next;
    }
    if (upTo > curve.upTo) curve.upTo = upTo;
    return v;
  }

  private dayReturn(alloc: Alloc, t: number): number {
    let r = 0;
    for (let k = 0; k < alloc.symbols.length; k++) {
      const closes = this.history.closes(alloc.symbols[k]!)!;
      r += alloc.weights[k]! * (closes[t]! / closes[t - 1]! - 1);
    }
    return r;
  }

  /** True when the symbol's data ended before session t (delisted, or a stale feed). */
  private isStale(symbol: string, t: number): boolean {
    const span = this.history.span(symbol);
    return span !== undefined && t > span.last;
  }

  private staleFail(symbol: string): Fail {
    return this.fail(`p|${symbol}`, { fail: 'data', symbol, indicator: 'price', needed: 1 });
  }

  private fail(key: string, f: Fail): Fail {
    const cached = this.fails.get(key);
    if (cached) return cached;
    this.fails.set(key, f);
    return f;
  }
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
