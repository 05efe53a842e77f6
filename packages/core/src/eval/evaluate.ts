/** Public evaluation API: target weights of a strategy as of a date, or for every session of a range. */
import type { Strategy } from '../dsl/ast.ts';
import { type EnsembleError, EvaluationError, MissingDataError } from '../errors.ts';
import { type Alloc, failToError, isEmpty, isFail } from './allocation.ts';
import { NodeEvaluator } from './node-evaluator.ts';
import type { PriceHistory } from './price-history.ts';
import { type TraceNode, traceAt } from './trace.ts';
import { toWeightStrings } from './weights.ts';

export interface EvaluationResult {
  /** The strategy's `defsymphony` name. */
  readonly strategy: string;
  /** The date asked for. */
  readonly asOf: string;
  /** The session evaluated: the last session on or before `asOf`. */
  readonly session: string;
  /** Target weights by symbol (ascending), decimal strings summing to exactly 1. */
  readonly weights: Readonly<Record<string, string>>;
  readonly trace?: TraceNode;
}

/** One session of a range: weights, or the error that blocked it. */
export type SessionResult =
  | { readonly session: string; readonly weights: Alloc }
  | { readonly session: string; readonly error: EnsembleError };

export interface StrategyEvaluator {
  /** Weights as of `asOf` (ISO date). Throws a typed EnsembleError when the strategy cannot be evaluated. */
  evaluate(asOf: string, options?: { trace?: boolean }): EvaluationResult;
  /** Weights on every session in [from, to]; failing sessions carry their error. */
  evaluateRange(from: string, to: string): SessionResult[];
}

/**
 * An evaluator bound to one strategy and one price snapshot. Reuse it for many dates: node results and
 * equity curves are kept and shared across calls.
 */
export function createStrategyEvaluator(strategy: Strategy, history: PriceHistory): StrategyEvaluator {
  const nodes = new NodeEvaluator(history);

  const sessionIndex = (asOf: string): number => {
    const t = history.indexOnOrBefore(asOf);
    if (t < 0) throw new MissingDataError('*', asOf, 'no market data on or before this date');
    return t;
  };

  const resultAt = (t: number): Alloc | EnsembleError => {
    const r = nodes.at(strategy.root, t);
    if (isFail(r)) return failToError(r, history, t);
    if (isEmpty(r))
      return new EvaluationError(`${strategy.file}: the strategy selects nothing on ${history.dates[t]}`);
    return r;
  };

  return {
    evaluate(asOf, options = {}) {
      const t = sessionIndex(asOf);
      nodes.extendHorizon(t);
      const r = resultAt(t);
      if (!('symbols' in r)) throw r;
      return {
        strategy: strategy.name,
        asOf,
        session: history.dates[t]!,
        weights: toWeightStrings(r),
        ...(options.trace ? { trace: traceAt(nodes, strategy.root, t) } : {}),
      };
    },
    evaluateRange(from, to) {
      const hi = sessionIndex(to);
      const before = history.indexOnOrBefore(from);
      const lo = before >= 0 && history.dates[before] === from ? before : before + 1;
      nodes.extendHorizon(hi);
      const out: SessionResult[] = [];
      for (let t = lo; t <= hi; t++) {
        const r = resultAt(t);
        const session = history.dates[t]!;
        out.push('symbols' in r ? { session, weights: r } : { session, error: r });
      }
      return out;
    },
  };
}
