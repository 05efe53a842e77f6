/**
 * The typed strategy tree. Every node carries its source position and a canonical `id`: two nodes with
 * the same id compute the same thing (structure, tickers, windows and weights are equal; names and
 * positions may differ), so evaluation results are memoized per id and shared by duplicated subtrees.
 */
import type { SourcePos } from '../errors.ts';
import type { IndicatorName } from '../indicators/index.ts';

export type ComparisonOp = '>' | '<' | '>=' | '<=' | '=';

export interface IndicatorCall {
  readonly kind: 'indicator';
  readonly indicator: IndicatorName;
  /** The symbol the indicator reads. */
  readonly symbol: string;
  readonly window: number;
  readonly pos: SourcePos;
}

export interface Literal {
  readonly kind: 'literal';
  readonly value: number;
  readonly pos: SourcePos;
}

export type ValueExpr = IndicatorCall | Literal;

export interface Comparison {
  readonly kind: 'compare';
  readonly op: ComparisonOp;
  readonly left: ValueExpr;
  readonly right: ValueExpr;
  readonly pos: SourcePos;
}

/** A metric applied by `filter` to each candidate (the symbol is the candidate's). */
export interface Metric {
  readonly indicator: IndicatorName;
  readonly window: number;
}

interface NodeBase {
  readonly id: number;
  readonly pos: SourcePos;
}

export interface AssetNode extends NodeBase {
  readonly kind: 'asset';
  readonly symbol: string;
  readonly name?: string;
}

export interface GroupNode extends NodeBase {
  readonly kind: 'group';
  readonly name: string;
  readonly child: StrategyNode;
}

export interface WeightEqualNode extends NodeBase {
  readonly kind: 'weight-equal';
  readonly children: readonly StrategyNode[];
}

export interface WeightSpecifiedNode extends NodeBase {
  readonly kind: 'weight-specified';
  readonly weights: readonly number[];
  readonly children: readonly StrategyNode[];
}

export interface InverseVolatilityNode extends NodeBase {
  readonly kind: 'weight-inverse-volatility';
  readonly window: number;
  readonly children: readonly StrategyNode[];
}

export interface IfNode extends NodeBase {
  readonly kind: 'if';
  readonly condition: Comparison;
  readonly then: StrategyNode;
  readonly else?: StrategyNode;
}

export interface FilterNode extends NodeBase {
  readonly kind: 'filter';
  readonly metric: Metric;
  readonly select: { readonly direction: 'top' | 'bottom'; readonly count: number };
  readonly candidates: readonly StrategyNode[];
  /** `asset`: every candidate is a bare asset; `portfolio`: candidates are scored on their own equity curve. */
  readonly mode: 'asset' | 'portfolio';
}

export type StrategyNode =
  | AssetNode
  | GroupNode
  | WeightEqualNode
  | WeightSpecifiedNode
  | InverseVolatilityNode
  | IfNode
  | FilterNode;

/** Settings from the `defsymphony` config map, kept for the planner. */
export interface StrategySettings {
  readonly rebalanceThreshold?: number;
  readonly rebalanceFrequency?: string;
  readonly assetClass?: string;
}

/** A parsed, validated strategy. */
export interface Strategy {
  readonly name: string;
  readonly file: string;
  readonly settings: StrategySettings;
  readonly root: StrategyNode;
  /** Number of distinct canonical nodes (after sharing duplicated subtrees). */
  readonly canonicalNodes: number;
}
