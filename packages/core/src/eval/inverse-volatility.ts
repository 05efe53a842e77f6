/**
 * `weight-inverse-volatility` nodes: each child weighted by 1 / the volatility of what it holds (the
 * weighted stdev of its symbols' returns over the window); children without a positive volatility drop out.
 */
import type { InverseVolatilityNode, StrategyNode } from '../dsl/ast.ts';
import type { IndicatorSeries } from '../indicators/series.ts';
import { isEmpty } from './allocation.ts';
import type { PriceHistory } from './price-history.ts';
import { type NodeCodes, type ResultCodes, symbolSeries } from './result-codes.ts';

/** A child of an inverse-volatility node and the volatility used for it (NaN: dropped). */
export interface ChildVolatility {
  readonly node: StrategyNode;
  readonly vol: number;
}

/** Evaluates the inverse-volatility nodes of one evaluator; asks the tree walk for the children's results. */
export class InverseVolatility {
  /** Per window, then allocation id: each symbol's stdev-return series. */
  private readonly volSeries = new Map<number, (readonly (IndicatorSeries | undefined)[] | undefined)[]>();

  constructor(
    private readonly history: PriceHistory,
    private readonly codes: ResultCodes,
    private readonly nodes: NodeCodes,
  ) {}

  /** The node's result code on session t; each child's volatility goes to `vols` when it is given. */
  at(node: InverseVolatilityNode, t: number, vols: ChildVolatility[] | undefined): number {
    const ids: number[] = [];
    const scales: number[] = [];
    let byAlloc = this.volSeries.get(node.window);
    if (byAlloc === undefined) {
      byAlloc = [];
      this.volSeries.set(node.window, byAlloc);
    }
    for (const child of node.children) {
      const code = this.nodes.codeAt(child, t);
      if (code < 0) return code;
      const r = this.codes.allocs.get(code);
      if (isEmpty(r)) continue;
      const stdevs = symbolSeries(byAlloc, code, r, (symbol) =>
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
    return this.codes.allocs.combine(ids, scales);
  }
}
