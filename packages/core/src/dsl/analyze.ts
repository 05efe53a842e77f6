/**
 * Static analysis of a strategy: which symbols it reads and how many daily bars of each it needs.
 * This is what market-data fetching uses. A portfolio-mode filter scores candidates on an equity curve
 * built from their daily selections, so everything inside such a candidate needs the metric's bars more.
 */
import { barsNeeded, type IndicatorName, usesFullHistory } from '../indicators/index.ts';
import type { Strategy, StrategyNode, ValueExpr } from './ast.ts';

export interface StrategyRequirements {
  /** Every symbol the strategy reads, ascending. */
  readonly symbols: readonly string[];
  /** Minimum bars (sessions up to and including the as-of session) needed per symbol. */
  readonly bars: Readonly<Record<string, number>>;
  /**
   * Symbols read by a recursive indicator (rsi, exponential moving average, or any metric on a
   * portfolio equity curve): their values depend on all available history, so fetch generously
   * (see docs/dsl.md, "Warm-up").
   */
  readonly fullHistory: readonly string[];
}

/** Symbols and bars a strategy needs. Linear in the size of the tree. */
export function analyzeStrategy(strategy: Strategy): StrategyRequirements {
  const bars = new Map<string, number>();
  const full = new Set<string>();
  const need = (symbol: string, n: number) => bars.set(symbol, Math.max(bars.get(symbol) ?? 0, n));
  const indicator = (
    symbol: string,
    name: IndicatorName,
    window: number,
    extra: number,
    fullCurve: boolean,
  ) => {
    need(symbol, barsNeeded(name, window) + extra);
    if (fullCurve || usesFullHistory(name)) full.add(symbol);
  };
  const expr = (e: ValueExpr, extra: number, fullCurve: boolean) => {
    if (e.kind === 'indicator') indicator(e.symbol, e.indicator, e.window, extra, fullCurve);
  };
  const seen = new WeakMap<StrategyNode, Set<string>>();
  // Explicit stack: strategies nest hundreds of levels deep.
  const stack: { node: StrategyNode; extra: number; fullCurve: boolean }[] = [
    { node: strategy.root, extra: 0, fullCurve: false },
  ];
  while (stack.length > 0) {
    const { node, extra, fullCurve } = stack.pop()!;
    const key = `${extra}|${fullCurve}`;
    const visits = seen.get(node) ?? new Set<string>();
    if (visits.has(key)) continue;
    visits.add(key);
    seen.set(node, visits);
    switch (node.kind) {
      case 'asset':
        need(node.symbol, 1 + extra);
        if (fullCurve) full.add(node.symbol);
        break;
      case 'group':
        stack.push({ node: node.child, extra, fullCurve });
        break;
      case 'weight-equal':
      case 'weight-specified':
        for (const c of node.children) stack.push({ node: c, extra, fullCurve });
        break;
      case 'weight-inverse-volatility':
        for (const c of node.children) {
          stack.push({ node: c, extra, fullCurve });
          for (const s of symbolsUnder(c)) indicator(s, 'stdev-return', node.window, extra, fullCurve);
        }
        break;
      case 'if':
        expr(node.condition.left, extra, fullCurve);
        expr(node.condition.right, extra, fullCurve);
        stack.push({ node: node.then, extra, fullCurve });
        if (node.else) stack.push({ node: node.else, extra, fullCurve });
        break;
      case 'filter': {
        const { indicator: name, window } = node.metric;
        for (const c of node.candidates) {
          if (node.mode === 'asset' && c.kind === 'asset') {
            indicator(c.symbol, name, window, extra, fullCurve);
          } else {
            stack.push({ node: c, extra: extra + barsNeeded(name, window), fullCurve: true });
          }
        }
        break;
      }
    }
  }
  const symbols = [...bars.keys()].sort();
  return {
    symbols,
    bars: Object.fromEntries(symbols.map((s) => [s, bars.get(s)!])),
    fullHistory: [...full].sort(),
  };
}

const underCache = new WeakMap<StrategyNode, readonly string[]>();

/** Every symbol a node may hold. */
export function symbolsUnder(node: StrategyNode): readonly string[] {
  const hit = underCache.get(node);
  if (hit) return hit;
  const out = new Set<string>();
  const stack: StrategyNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'asset') out.add(n.symbol);
    else if (n.kind === 'group') stack.push(n.child);
    else if (n.kind === 'if') {
      stack.push(n.then);
      if (n.else) stack.push(n.else);
    } else if (n.kind === 'filter') stack.push(...n.candidates);
    else stack.push(...n.children);
  }
  const list = [...out].sort();
  underCache.set(node, list);
  return list;
}
