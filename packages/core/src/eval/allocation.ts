/**
 * Per-day results of strategy nodes: an {@link Alloc} (weights summing to 1, or empty) or a {@link Fail}
 * (why the node cannot be evaluated that day). Fails are values, not exceptions, because a node's result is
 * computed for many days and a failing day must not stop the others (e.g. before a symbol starts trading).
 */
import {
  type EnsembleError,
  EvaluationError,
  InsufficientDataError,
  MissingDataError,
  type SourcePos,
} from '../errors.ts';
import type { PriceHistory } from './price-history.ts';

/** Weights by symbol, symbols ascending, weights > 0 summing to 1 (or no symbols: empty). */
export interface Alloc {
  readonly symbols: readonly string[];
  readonly weights: Float64Array;
}

export const EMPTY: Alloc = { symbols: [], weights: new Float64Array(0) };

export const isEmpty = (a: Alloc): boolean => a.symbols.length === 0;

export function single(symbol: string): Alloc {
  return { symbols: [symbol], weights: Float64Array.of(1) };
}

/** Σ scale·alloc over the parts, normalized; zero weights dropped. */
export function combine(parts: readonly { readonly alloc: Alloc; readonly scale: number }[]): Alloc {
  if (parts.length === 1 && parts[0]!.scale > 0) return parts[0]!.alloc;
  const syms: string[] = [];
  const ws: number[] = [];
  for (const { alloc, scale } of parts) {
    if (!(scale > 0)) continue;
    for (let k = 0; k < alloc.symbols.length; k++) {
      syms.push(alloc.symbols[k]!);
      ws.push(alloc.weights[k]! * scale);
    }
  }
  const order = syms
    .map((_, k) => k)
    .sort((a, b) => (syms[a]! < syms[b]! ? -1 : syms[a]! > syms[b]! ? 1 : a - b));
  const symbols: string[] = [];
  const summed: number[] = [];
  let total = 0;
  for (const k of order) {
    const w = ws[k]!;
    total += w;
    if (symbols.length > 0 && symbols[symbols.length - 1] === syms[k]) summed[summed.length - 1]! += w;
    else {
      symbols.push(syms[k]!);
      summed.push(w);
    }
  }
  if (!(total > 0)) return EMPTY;
  const kept = symbols.map((_, k) => k).filter((k) => summed[k]! > 0);
  const weights = new Float64Array(kept.length);
  for (let j = 0; j < kept.length; j++) weights[j] = summed[kept[j]!]! / total;
  return { symbols: kept.map((k) => symbols[k]!), weights };
}

/** Why a node has no result on a day. Converted to an error (with the day's numbers) only when reported. */
export type Fail =
  | { readonly fail: 'data'; readonly symbol: string; readonly indicator: string; readonly needed: number }
  | { readonly fail: 'unknown-symbol'; readonly symbol: string }
  | { readonly fail: 'no-else'; readonly pos: SourcePos }
  | { readonly fail: 'eval'; readonly message: string; readonly pos?: SourcePos };

export type DayResult = Alloc | Fail;

export const isFail = (r: DayResult): r is Fail => 'fail' in r;

/** The error a fail stands for on session `t` of `history`. */
export function failToError(f: Fail, history: PriceHistory, t: number): EnsembleError {
  const asOf = history.dates[t] ?? '?';
  switch (f.fail) {
    case 'unknown-symbol':
      return new MissingDataError(f.symbol, asOf, 'no data for this symbol');
    case 'data': {
      const span = history.span(f.symbol);
      if (!span) return new MissingDataError(f.symbol, asOf, 'no data for this symbol');
      if (t > span.last) {
        return new MissingDataError(
          f.symbol,
          asOf,
          `no bar on the as-of session; last bar ${history.dates[span.last]}`,
        );
      }
      const available = Math.max(0, t - span.first + 1);
      return new InsufficientDataError(f.symbol, f.indicator, f.needed, available, asOf);
    }
    case 'no-else':
      return new EvaluationError(`condition is false on ${asOf} and the if has no else-branch`, f.pos);
    case 'eval':
      return new EvaluationError(`${f.message} (as of ${asOf})`, f.pos);
  }
}
