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

/** Σ scale·alloc over the parts, normalized; zero weights dropped. */
export function combine(parts: readonly { readonly alloc: Alloc; readonly scale: number }[]): Alloc {
  if (parts.length === 1 && parts[0]!.scale > 0) return parts[0]!.alloc;
  const out = new Merged();
  if (
    !merge(
      parts.map((p) => p.alloc),
      parts.map((p) => p.scale),
      out,
    )
  )
    return EMPTY;
  return {
    symbols: out.symbols.slice(0, out.length),
    weights: Float64Array.from(out.weights.slice(0, out.length)),
  };
}

/**
 * Working arrays of {@link merge}; its result is the first `length` entries of `symbols` and `weights`.
 * Reusable across calls: the arrays are written by index and never shrunk, so they are allocated once.
 */
class Merged {
  readonly cursor: number[] = [];
  /** The heap of part indices of a wide merge (see {@link HEAP_PARTS}). */
  readonly heap: number[] = [];
  readonly summedSymbols: string[] = [];
  readonly summed: number[] = [];
  readonly symbols: string[] = [];
  readonly weights: number[] = [];
  length = 0;
}

/**
 * From this many parts on, {@link merge} picks the next pair from a binary heap (O(log parts) a pair)
 * instead of scanning every part (O(parts) a pair, so O(parts²) for a flat weight over many assets).
 */
export const HEAP_PARTS = 16;

/**
 * Σ scales[k]·allocs[k] (scale 1 when `scales` is null), normalized, zero weights dropped; parts whose
 * scale is not positive are skipped. Every alloc's symbols ascend, so a k-way merge (ties to the earlier
 * part) visits the (symbol, weight) pairs in exactly the order of a stable sort of their concatenation by
 * symbol: the sums, and so every rounding, are those of that sort-then-sum definition. The result is
 * left in `out` (see {@link Merged}); false when nothing is left (the empty allocation).
 */
function merge(allocs: readonly Alloc[], scales: readonly number[] | null, out: Merged): boolean {
  const n = allocs.length;
  // cursor[k]: next position in allocs[k]; a part with a non-positive scale starts exhausted
  const { cursor } = out;
  for (let k = 0; k < n; k++) cursor[k] = (scales ? scales[k]! : 1) > 0 ? 0 : allocs[k]!.symbols.length;
  const sums = { distinct: 0, total: 0 };
  if (n >= HEAP_PARTS) mergeByHeap(allocs, scales, out, sums);
  else mergeByScan(allocs, scales, out, sums);
  const { summedSymbols, summed } = out;
  out.length = 0;
  if (!(sums.total > 0)) return false;
  for (let k = 0; k < sums.distinct; k++) {
    if (summed[k]! > 0) {
      out.symbols[out.length] = summedSymbols[k]!;
      out.weights[out.length++] = summed[k]! / sums.total;
    }
  }
  return true;
}

/** Adds the next pair (part `pick`'s current one) to the running sums, and advances that part. */
function take(
  allocs: readonly Alloc[],
  scales: readonly number[] | null,
  out: Merged,
  sums: { distinct: number; total: number },
  pick: number,
): void {
  const { cursor, summedSymbols, summed } = out;
  const symbol = allocs[pick]!.symbols[cursor[pick]!]!;
  const w = allocs[pick]!.weights[cursor[pick]!]! * (scales ? scales[pick]! : 1);
  cursor[pick]!++;
  sums.total += w;
  if (sums.distinct > 0 && summedSymbols[sums.distinct - 1] === symbol) summed[sums.distinct - 1]! += w;
  else {
    summedSymbols[sums.distinct] = symbol;
    summed[sums.distinct++] = w;
  }
}

/** The k-way merge of a few parts: scan every part for the smallest current symbol (ties: earliest part). */
function mergeByScan(
  allocs: readonly Alloc[],
  scales: readonly number[] | null,
  out: Merged,
  sums: { distinct: number; total: number },
): void {
  const { cursor } = out;
  const n = allocs.length;
  for (;;) {
    let pick = -1;
    let symbol = '';
    for (let k = 0; k < n; k++) {
      const a = allocs[k]!;
      const c = cursor[k]!;
      if (c < a.symbols.length && (pick < 0 || a.symbols[c]! < symbol)) {
        pick = k;
        symbol = a.symbols[c]!;
      }
    }
    if (pick < 0) return;
    take(allocs, scales, out, sums, pick);
  }
}

/**
 * The same merge over many parts: a binary min-heap of the parts not exhausted, ordered by (current symbol,
 * part index), so it yields the pairs in exactly the scan's order (smallest symbol, ties to the earliest part).
 */
function mergeByHeap(
  allocs: readonly Alloc[],
  scales: readonly number[] | null,
  out: Merged,
  sums: { distinct: number; total: number },
): void {
  const { cursor, heap } = out;
  const before = (i: number, j: number): boolean => {
    const a = allocs[i]!.symbols[cursor[i]!]!;
    const b = allocs[j]!.symbols[cursor[j]!]!;
    return a < b || (a === b && i < j);
  };
  let size = 0;
  const down = (from: number): void => {
    let at = from;
    const part = heap[at]!;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, part)) break;
      heap[at] = heap[child]!;
      at = child;
    }
    heap[at] = part;
  };
  for (let k = 0; k < allocs.length; k++) if (cursor[k]! < allocs[k]!.symbols.length) heap[size++] = k;
  for (let at = (size >> 1) - 1; at >= 0; at--) down(at);
  while (size > 0) {
    const pick = heap[0]!;
    take(allocs, scales, out, sums, pick);
    if (cursor[pick]! >= allocs[pick]!.symbols.length) {
      size--;
      if (size === 0) return;
      heap[0] = heap[size]!;
    }
    down(0);
  }
}

const bits = new Float64Array(1);
const bitWords = new Uint32Array(bits.buffer);

/**
 * The distinct allocations of one evaluator, by small integer id (from 1; {@link EMPTY} is
 * {@link AllocTable.EMPTY_ID}). A long evaluation makes tens of thousands of combinations but only a few
 * thousand distinct results: ids keep memory (and garbage-collection work) small, fit in typed-array
 * memos, and let a node recognise unchanged inputs by comparing integers.
 */
export class AllocTable {
  static readonly EMPTY_ID = 1;
  /** By id; index 0 is unused so that 0 can mean "not computed" in a zero-filled memo. */
  private readonly list: Alloc[] = [EMPTY, EMPTY];
  private readonly byHash = new Map<number, number[]>([[hashOf([], [], 0), [AllocTable.EMPTY_ID]]]);
  private readonly merged = new Merged();

  get(id: number): Alloc {
    return this.list[id]!;
  }

  /**
   * The id of the allocation with the first `length` symbols (ascending) and weights of these arrays
   * (all of them by default); the arrays are not kept.
   */
  intern(symbols: readonly string[], weights: readonly number[], length = symbols.length): number {
    const h = hashOf(symbols, weights, length);
    let bucket = this.byHash.get(h);
    if (bucket) {
      for (const id of bucket) if (sameAlloc(this.list[id]!, symbols, weights, length)) return id;
    } else {
      bucket = [];
      this.byHash.set(h, bucket);
    }
    const id = this.list.length;
    const alloc = { symbols: symbols.slice(0, length), weights: new Float64Array(length) };
    for (let k = 0; k < length; k++) alloc.weights[k] = weights[k]!;
    this.list.push(alloc);
    bucket.push(id);
    return id;
  }

  /**
   * {@link combine} of the non-empty allocations among `ids`, each scaled by `scales[k]` (1 when null):
   * one non-empty input with a positive scale is its own result (not renormalized), none is empty.
   */
  combine(ids: readonly number[], scales: readonly number[] | null): number {
    let only = -1;
    let count = 0;
    for (let k = 0; k < ids.length; k++) {
      if (this.list[ids[k]!]!.symbols.length > 0) {
        only = k;
        count++;
      }
    }
    if (count === 0) return AllocTable.EMPTY_ID;
    if (count === 1 && (scales ? scales[only]! : 1) > 0) return ids[only]!;
    const parts: Alloc[] = [];
    for (let k = 0; k < ids.length; k++) parts.push(this.list[ids[k]!]!);
    const m = this.merged;
    return merge(parts, scales, m) ? this.intern(m.symbols, m.weights, m.length) : AllocTable.EMPTY_ID;
  }
}

function hashOf(symbols: readonly string[], weights: readonly number[], length: number): number {
  let h = length;
  for (let k = 0; k < length; k++) {
    const s = symbols[k]!;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    bits[0] = weights[k]!;
    h = Math.imul(h ^ bitWords[0]!, 0x01000193);
    h = Math.imul(h ^ bitWords[1]!, 0x01000193);
  }
  return h;
}

function sameAlloc(
  a: Alloc,
  symbols: readonly string[],
  weights: readonly number[],
  length: number,
): boolean {
  if (a.symbols.length !== length) return false;
  for (let k = 0; k < length; k++) {
    if (a.symbols[k] !== symbols[k] || a.weights[k] !== weights[k]) return false;
  }
  return true;
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
