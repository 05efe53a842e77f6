/**
 * The decision trace of one evaluation: the path actually taken on the as-of session, with the values
 * compared by each `if`, each filter's ranking and scores, and inverse-volatility figures. Only the taken
 * path is walked, so the trace stays small even for very large strategies.
 */
import type { StrategyNode, ValueExpr } from '../dsl/ast.ts';
import { isFail } from './allocation.ts';
import type { NodeEvaluator } from './node-evaluator.ts';

export type TraceNode =
  | { readonly asset: string }
  | { readonly group: string; readonly of: TraceNode }
  | {
      readonly weight: 'equal' | 'specified' | 'inverse-volatility';
      readonly at: string;
      readonly of: readonly TraceNode[];
      readonly vols?: readonly (number | null)[];
    }
  | {
      readonly if: string;
      readonly at: string;
      readonly left: number | null;
      readonly right: number | null;
      readonly took: 'then' | 'else' | 'none';
      readonly of?: TraceNode;
    }
  | {
      readonly filter: string;
      readonly at: string;
      readonly ranking: readonly { readonly candidate: string; readonly score: number }[];
      readonly kept: readonly string[];
      readonly excluded?: readonly { readonly candidate: string; readonly why: string }[];
      readonly of?: readonly TraceNode[];
    };

const at = (n: StrategyNode) => `${n.pos.line}:${n.pos.col}`;

/** A short name for a node in rankings: its ticker, its group name, or its operator and position. */
export function labelOf(n: StrategyNode): string {
  if (n.kind === 'asset') return n.symbol;
  if (n.kind === 'group') return n.name;
  return `${n.kind}@${at(n)}`;
}

const exprText = (e: ValueExpr) =>
  e.kind === 'literal'
    ? String(e.value)
    : `${e.indicator}(${e.symbol}${e.indicator === 'current-price' ? '' : `,${e.window}`})`;

/** Walk the path taken on session t. */
export function traceAt(ev: NodeEvaluator, node: StrategyNode, t: number): TraceNode {
  switch (node.kind) {
    case 'asset':
      return { asset: node.symbol };
    case 'group':
      return { group: node.name, of: traceAt(ev, node.child, t) };
    case 'weight-equal':
      if (node.children.length === 1) return traceAt(ev, node.children[0]!, t);
      return { weight: 'equal', at: at(node), of: node.children.map((c) => traceAt(ev, c, t)) };
    case 'weight-specified':
      return { weight: 'specified', at: at(node), of: node.children.map((c) => traceAt(ev, c, t)) };
    case 'weight-inverse-volatility': {
      const { vols } = ev.inverseVolatility(node, t);
      return {
        weight: 'inverse-volatility',
        at: at(node),
        of: vols.map((v) => traceAt(ev, v.node, t)),
        vols: vols.map((v) => (Number.isFinite(v.vol) ? v.vol : null)),
      };
    }
    case 'if': {
      const c = node.condition;
      const l = ev.value(c.left, t);
      const r = ev.value(c.right, t);
      const taken = ev.condition(c, t);
      const branch = taken === true ? node.then : taken === false ? node.else : undefined;
      return {
        if: `${exprText(c.left)} ${c.op} ${exprText(c.right)}`,
        at: at(node),
        left: typeof l === 'number' ? l : null,
        right: typeof r === 'number' ? r : null,
        took: taken === true ? 'then' : taken === false && node.else ? 'else' : 'none',
        ...(branch ? { of: traceAt(ev, branch, t) } : {}),
      };
    }
    case 'filter': {
      const ranking = ev.rank(node, t);
      const head = `${node.metric.indicator}(${node.metric.window}) ${node.select.direction} ${node.select.count}`;
      if ('fail' in ranking) return { filter: head, at: at(node), ranking: [], kept: [] };
      const kept = ranking.kept.filter((k) => !isFail(k.result));
      return {
        filter: node.mode === 'portfolio' ? `${head} (portfolio)` : head,
        at: at(node),
        ranking: ranking.ranked.map((c) => ({ candidate: labelOf(c.node), score: c.score })),
        kept: kept.map((c) => labelOf(c.node)),
        ...(ranking.excluded.length > 0
          ? { excluded: ranking.excluded.map((c) => ({ candidate: labelOf(c.node), why: c.excluded ?? '' })) }
          : {}),
        ...(node.mode === 'portfolio' ? { of: kept.map((c) => traceAt(ev, c.node, t)) } : {}),
      };
    }
  }
}
