/**
 * Per-candidate lookups of filter nodes, resolved once per canonical node and shared by asset-mode
 * selection and by the ranking, so the per-session paths do no symbol or indicator lookups. One plan
 * serves both paths on purpose: with a separate plan per path, the ranking's code ran too rarely to be
 * optimized early and was still being re-optimized during the cold one-date benchmark, costing ~30 %.
 */
import type { FilterNode } from '../dsl/ast.ts';
import type { IndicatorSeries } from '../indicators/series.ts';
import type { CurveMetric } from './equity-curves.ts';
import type { PriceHistory } from './price-history.ts';
import { soleAsset } from './sole-asset.ts';

/** A filter's candidates, by position. */
export interface FilterPlan {
  /**
   * The one symbol a candidate always holds, if any (its curve is that asset's price): every candidate's
   * ticker in asset mode.
   */
  readonly soles: readonly (string | undefined)[];
  /** The metric series of each candidate's sole symbol (undefined: none, or unknown symbol). */
  readonly soleSeries: readonly (IndicatorSeries | undefined)[];
  /** Each other candidate's metric on its equity curve, once looked up. */
  readonly metrics: (CurveMetric | undefined)[];
}

/** The filter plans of one evaluator. */
export class FilterPlans {
  /** By canonical node id. */
  private readonly plans: (FilterPlan | undefined)[] = [];

  constructor(private readonly history: PriceHistory) {}

  /** The filter's plan, resolved on first use. */
  of(node: FilterNode): FilterPlan {
    let plan = this.plans[node.id];
    if (plan === undefined) {
      const { indicator, window } = node.metric;
      const soles = node.candidates.map((c) => soleAsset(c));
      plan = {
        soles,
        soleSeries: soles.map((y) =>
          y === undefined ? undefined : this.history.series(y, indicator, window),
        ),
        metrics: [],
      };
      this.plans[node.id] = plan;
    }
    return plan;
  }
}
