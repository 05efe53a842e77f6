/** Static detection of candidates that always hold exactly one asset, whose equity curve is that asset's price. */
import type { StrategyNode } from '../dsl/ast.ts';

const cache = new WeakMap<StrategyNode, string | null>();

/** The one symbol `node` always holds at 100 %, or undefined when it may hold anything else. */
export function soleAsset(node: StrategyNode): string | undefined {
  let hit = cache.get(node);
  if (hit === undefined) {
    hit = compute(node);
    cache.set(node, hit);
  }
  return hit ?? undefined;
}

function compute(node: StrategyNode): string | null {
  switch (node.kind) {
    case 'asset':
      return node.symbol;
    case 'group':
      return soleAsset(node.child) ?? null;
    case 'weight-equal':
    case 'weight-specified':
    case 'weight-inverse-volatility':
      return node.children.length === 1 ? (soleAsset(node.children[0]!) ?? null) : null;
    default:
      return null;
  }
}
