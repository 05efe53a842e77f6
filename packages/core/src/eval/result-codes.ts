/**
 * A node's result on a session as a small integer code: > 0 an allocation id of {@link AllocTable} (equal
 * allocations share one id), < 0 minus the index of a distinct {@link Fail}, 0 "not computed yet". The memo
 * of the tree walk is then one zero-filled Int32Array per canonical node, which the garbage collector never
 * scans or copies, and a combining node recognises unchanged inputs by comparing integers.
 */
import type { StrategyNode } from '../dsl/ast.ts';
import { type Alloc, AllocTable, type DayResult, type Fail } from './allocation.ts';
import type { PriceHistory } from './price-history.ts';

/** What the evaluators of single node kinds need from the tree walk: any node's memoized result code. */
export interface NodeCodes {
  /** The node's result code on session `t`, memoized. */
  codeAt(node: StrategyNode, t: number): number;
}

/** The allocations and fails of one evaluator, by code. */
export class ResultCodes {
  readonly allocs = new AllocTable();
  /** Distinct fails; code −k is fails[k] (index 0 unused). */
  private readonly fails: Fail[] = [{ fail: 'eval', message: 'unused' }];
  private readonly failCodes = new Map<string, number>();

  /** The allocation or fail a (non-zero) code stands for. */
  result(code: number): DayResult {
    return code > 0 ? this.allocs.get(code) : this.fails[-code]!;
  }

  /** The fail a (negative) code stands for. */
  fail(code: number): Fail {
    return this.fails[-code]!;
  }

  /** The (negative) code of the fail with this key, registering `f` on first sight. */
  failCode(key: string, f: Fail): number {
    let code = this.failCodes.get(key);
    if (code === undefined) {
      code = -this.fails.length;
      this.fails.push(f);
      this.failCodes.set(key, code);
    }
    return code;
  }

  /** The symbol has no data at all. */
  unknownSymbol(symbol: string): number {
    return this.failCode(`u|${symbol}`, { fail: 'unknown-symbol', symbol });
  }

  /** No bar on the session (data ended, or has not started): the asset's price is missing. */
  staleFail(symbol: string): number {
    return this.failCode(`p|${symbol}`, { fail: 'data', symbol, indicator: 'price', needed: 1 });
  }
}

/** True when the symbol's data ended before session t (delisted, or a stale feed). */
export function isStale(history: PriceHistory, symbol: string, t: number): boolean {
  const span = history.span(symbol);
  return span !== undefined && t > span.last;
}

/** A per-symbol series of allocation `id`, looked up once per allocation and kept in `cache`. */
export function symbolSeries<S>(
  cache: (readonly (S | undefined)[] | undefined)[],
  id: number,
  alloc: Alloc,
  lookup: (symbol: string) => S | undefined,
): readonly (S | undefined)[] {
  let series = cache[id];
  if (series === undefined) {
    series = alloc.symbols.map(lookup);
    cache[id] = series;
  }
  return series;
}
