/**
 * Equity curves of portfolio-mode filter candidates, and the metrics filters score on them. A curve is
 * built from the candidate's own daily selections over its whole history: selections up to t−1 and prices
 * up to t, so nothing after the evaluated session is read. Curves and metrics are extended, never
 * recomputed, when a later session is asked, and built at once up to the horizon every caller declared.
 */
import type { StrategyNode } from '../dsl/ast.ts';
import { computeIndicator, type IndicatorName } from '../indicators/index.ts';
import type { PriceHistory } from './price-history.ts';
import { type NodeCodes, type ResultCodes, symbolSeries } from './result-codes.ts';

interface Curve {
  readonly values: Float64Array;
  upTo: number;
}

/** A candidate's metric on its equity curve, shared by every filter scoring that candidate with it. */
export interface CurveMetric {
  readonly node: StrategyNode;
  readonly indicator: IndicatorName;
  readonly window: number;
  values: Float64Array;
  /** The last session `values` holds. */
  upTo: number;
}

/** The equity curves and curve metrics of one evaluator, by canonical candidate node. */
export class EquityCurves {
  /** By canonical node id. */
  private readonly curves = new Map<number, Curve>();
  private readonly metrics = new Map<string, CurveMetric>();
  /** Per allocation id, each symbol's closes. */
  private readonly allocCloses: (readonly (Float64Array | undefined)[] | undefined)[] = [];
  private readonly sessions: number;
  private horizon = -1;

  constructor(
    private readonly history: PriceHistory,
    private readonly codes: ResultCodes,
    private readonly nodes: NodeCodes,
  ) {
    this.sessions = history.length;
  }

  /** Declare the last session any caller will ask about, so curves are built once up to it. */
  extendHorizon(t: number): void {
    if (t > this.horizon) this.horizon = t;
  }

  /** The candidate's metric series on its curve (computed on first read by {@link metricAt}). */
  metric(cand: StrategyNode, indicator: IndicatorName, window: number): CurveMetric {
    const key = `${cand.id}|${indicator}|${window}`;
    let metric = this.metrics.get(key);
    if (metric === undefined) {
      metric = { node: cand, indicator, window, values: new Float64Array(0), upTo: -1 };
      this.metrics.set(key, metric);
    }
    return metric;
  }

  /** The metric's value on session t (NaN: not enough curve), extending the curve when needed. */
  metricAt(metric: CurveMetric, t: number): number {
    if (metric.upTo < t) {
      const upTo = Math.max(t, this.horizon);
      metric.values = computeIndicator(metric.indicator, this.curve(metric.node, upTo), metric.window);
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
      if (this.nodes.codeAt(cand, t) > 0) {
        // v[t − 1] is defined only where the candidate could be evaluated on t − 1.
        const prev = t > 0 && !Number.isNaN(v[t - 1]!) ? this.nodes.codeAt(cand, t - 1) : 0;
        next = prev > 0 ? v[t - 1]! * (1 + this.dayReturn(prev, t)) : 100;
      }
      v[t] = next;
    }
    if (upTo > curve.upTo) curve.upTo = upTo;
    return v;
  }

  /** The return earned on session t by allocation `id` held from the close of t − 1. */
  private dayReturn(id: number, t: number): number {
    const alloc = this.codes.allocs.get(id);
    const closes = symbolSeries(this.allocCloses, id, alloc, (symbol) => this.history.closes(symbol));
    let r = 0;
    for (let k = 0; k < alloc.symbols.length; k++) {
      const c = closes[k]!;
      r += alloc.weights[k]! * (c[t]! / c[t - 1]! - 1);
    }
    return r;
  }
}
