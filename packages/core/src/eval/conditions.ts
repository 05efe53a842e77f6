/**
 * `if` nodes. A condition's operands are resolved once per canonical node (an indicator's series, or a
 * literal's value) and compared on a session as plain doubles; the fail of an operand without a value is
 * looked up only on the sessions that have one. Traces also read an operand's value, or why it has none.
 */
import type { Comparison, ComparisonOp, IfNode, ValueExpr } from '../dsl/ast.ts';
import { barsNeeded } from '../indicators/index.ts';
import type { IndicatorSeries } from '../indicators/series.ts';
import type { Fail } from './allocation.ts';
import type { PriceHistory } from './price-history.ts';
import type { NodeCodes, ResultCodes } from './result-codes.ts';

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

/** Evaluates the `if` nodes of one evaluator; asks the tree walk for the taken branch's result. */
export class Conditions {
  /** By canonical node id (same id ⇒ same operands). */
  private readonly resolved: (ResolvedCondition | undefined)[] = [];
  /** Fail codes of an `if` node's left and right operand and of its missing else-branch, built once. */
  private readonly fails: number[][] = [];
  /** Indicator series resolved once per expression (for `value`, used by traces). */
  private readonly exprSeries = new WeakMap<ValueExpr, IndicatorSeries | null>();

  constructor(
    private readonly history: PriceHistory,
    private readonly codes: ResultCodes,
    private readonly nodes: NodeCodes,
  ) {}

  /** The `if` node's result code on session t: the taken branch's, or why no branch can be taken. */
  at(node: IfNode, t: number): number {
    let c = this.resolved[node.id];
    if (c === undefined) {
      const { left, right } = node.condition;
      c = {
        left: this.operandSeries(left),
        leftValue: left.kind === 'literal' ? left.value : Number.NaN,
        right: this.operandSeries(right),
        rightValue: right.kind === 'literal' ? right.value : Number.NaN,
      };
      this.resolved[node.id] = c;
      this.fails[node.id] = [];
    }
    // NaN: no value that day, or an unknown symbol (conditionFail tells which)
    const l = c.left === undefined ? c.leftValue : c.left === null ? Number.NaN : c.left.at(t);
    if (Number.isNaN(l)) return this.conditionFail(node, 0, t);
    const r = c.right === undefined ? c.rightValue : c.right === null ? Number.NaN : c.right.at(t);
    if (Number.isNaN(r)) return this.conditionFail(node, 1, t);
    const branch = compare(node.condition.op, l, r) ? node.then : node.else;
    if (!branch) return this.conditionFail(node, 2, t);
    return this.nodes.codeAt(branch, t);
  }

  /** The value of an operand on session t, or why it has none. */
  value(e: ValueExpr, t: number): number | Fail {
    if (e.kind === 'literal') return e.value;
    const v = this.exprValue(e, t);
    return typeof v === 'number' ? v : this.codes.fail(v.code);
  }

  /** Whether the comparison holds on session t, or why an operand has no value. */
  condition(c: Comparison, t: number): boolean | Fail {
    const l = this.value(c.left, t);
    if (typeof l !== 'number') return l;
    const r = this.value(c.right, t);
    if (typeof r !== 'number') return r;
    return compare(c.op, l, r);
  }

  /** An indicator operand's series, null for an unknown symbol, undefined for a literal. */
  private operandSeries(e: ValueExpr): IndicatorSeries | null | undefined {
    if (e.kind === 'literal') return undefined;
    return this.history.series(e.symbol, e.indicator, e.window) ?? null;
  }

  /** The fail code of an `if` node's left (0) or right (1) operand, or of its missing else-branch (2). */
  private conditionFail(node: IfNode, which: 0 | 1 | 2, t: number): number {
    const fails = this.fails[node.id]!;
    let code = fails[which];
    if (code === undefined) {
      if (which === 2) {
        code = this.codes.failCode(`no-else|${node.pos.line}:${node.pos.col}`, {
          fail: 'no-else',
          pos: node.pos,
        });
      } else {
        code = this.valueCode(which === 0 ? node.condition.left : node.condition.right, t);
      }
      fails[which] = code;
    }
    return code;
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
    if (!series) return { code: this.codes.unknownSymbol(e.symbol) };
    const v = series.at(t);
    if (Number.isNaN(v)) {
      const indicator = e.indicator === 'current-price' ? e.indicator : `${e.indicator}(${e.window})`;
      return {
        code: this.codes.failCode(`d|${e.symbol}|${indicator}`, {
          fail: 'data',
          symbol: e.symbol,
          indicator,
          needed: barsNeeded(e.indicator, e.window),
        }),
      };
    }
    return v;
  }
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
