import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Alloc, AllocTable, combine, EMPTY, HEAP_PARTS } from './allocation.ts';

/** The definition `combine` must reproduce bit for bit: concatenate, stable-sort by symbol, sum in that order. */
function reference(parts: readonly { alloc: Alloc; scale: number }[]): Alloc {
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
    total += ws[k]!;
    if (symbols.length > 0 && symbols[symbols.length - 1] === syms[k]) summed[summed.length - 1]! += ws[k]!;
    else {
      symbols.push(syms[k]!);
      summed.push(ws[k]!);
    }
  }
  if (!(total > 0)) return EMPTY;
  const kept = symbols.map((_, k) => k).filter((k) => summed[k]! > 0);
  return {
    symbols: kept.map((k) => symbols[k]!),
    weights: Float64Array.from(kept, (k) => summed[k]! / total),
  };
}

/** An allocation over a few of the symbols A..F: ascending, positive weights summing to about 1. */
const alloc = fc
  .uniqueArray(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), { minLength: 1, maxLength: 4 })
  .chain((syms) =>
    fc
      .array(fc.double({ min: 0.01, max: 10, noNaN: true }), {
        minLength: syms.length,
        maxLength: syms.length,
      })
      .map((raw): Alloc => {
        const total = raw.reduce((a, w) => a + w, 0);
        return { symbols: [...syms].sort(), weights: Float64Array.from(raw, (w) => w / total) };
      }),
  );
const scale = fc.oneof(fc.double({ min: 0.001, max: 100, noNaN: true }), fc.constant(0), fc.constant(1));

const plain = (a: Alloc) => ({ symbols: [...a.symbols], weights: [...a.weights] });

describe('combine', () => {
  it('equals the sort-then-sum definition to the last bit', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ alloc, scale }), { minLength: 1, maxLength: 6 }), (parts) => {
        // Arrange / Act / Assert
        expect(plain(combine(parts))).toEqual(plain(reference(parts)));
      }),
      { seed: 20261121, numRuns: 500 },
    );
  });
});

/** An allocation over a few of 40 symbols (wide merges: many parts, many ties). */
const wideAlloc = fc
  .uniqueArray(fc.integer({ min: 0, max: 39 }), { minLength: 1, maxLength: 5 })
  .chain((ks) =>
    fc
      .array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: ks.length, maxLength: ks.length })
      .map((raw): Alloc => {
        const total = raw.reduce((a, w) => a + w, 0);
        const symbols = ks.map((k) => `S${String(k).padStart(2, '0')}`).sort();
        return { symbols, weights: Float64Array.from(raw, (w) => w / total) };
      }),
  );

describe('combine of many parts (the heap merge)', () => {
  it('equals the sort-then-sum definition to the last bit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ alloc: wideAlloc, scale }), {
          minLength: HEAP_PARTS,
          maxLength: 4 * HEAP_PARTS,
        }),
        (parts) => {
          // Arrange / Act / Assert
          expect(plain(combine(parts))).toEqual(plain(reference(parts)));
        },
      ),
      { seed: 20261202, numRuns: 300 },
    );
  });

  it('merges a flat weight over 20,000 one-asset parts in symbol order', () => {
    // Arrange: parts in reverse symbol order, so the merge has to reorder every one
    const parts = Array.from({ length: 20_000 }, (_, k) => ({
      alloc: { symbols: [`W${String(20_000 - k).padStart(6, '0')}`], weights: Float64Array.of(1) },
      scale: 1,
    }));
    // Act
    const merged = combine(parts);
    // Assert
    expect(plain(merged)).toEqual(plain(reference(parts)));
  });
});

describe('AllocTable', () => {
  it('combines like combine() over the non-empty inputs, one id per distinct allocation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ alloc: fc.oneof(alloc, fc.constant(EMPTY)), scale }), {
          minLength: 1,
          maxLength: 6,
        }),
        (parts) => {
          // Arrange
          const table = new AllocTable();
          const ids = parts.map((p) => table.intern(p.alloc.symbols, [...p.alloc.weights]));
          // Act
          const id = table.combine(
            ids,
            parts.map((p) => p.scale),
          );
          const again = table.combine(
            ids,
            parts.map((p) => p.scale),
          );
          // Assert: the same as combine() of the non-empty parts, and the same id for the same value
          const nonEmpty = parts.filter((p) => p.alloc.symbols.length > 0);
          const want = nonEmpty.length === 0 ? EMPTY : reference(nonEmpty);
          expect(plain(table.get(id))).toEqual(plain(want));
          expect(again).toBe(id);
          expect(table.intern([...want.symbols], [...want.weights])).toBe(id);
        },
      ),
      { seed: 20261121, numRuns: 500 },
    );
  });

  it('gives the empty allocation its fixed id and tells different allocations apart', () => {
    // Arrange
    const table = new AllocTable();
    // Act
    const a = table.intern(['A', 'B'], [0.5, 0.5]);
    const b = table.intern(['A', 'C'], [0.5, 0.5]);
    const c = table.intern(['A', 'B'], [0.25, 0.75]);
    // Assert
    expect(table.intern([], [])).toBe(AllocTable.EMPTY_ID);
    expect(new Set([a, b, c, AllocTable.EMPTY_ID]).size).toBe(4);
    expect(table.intern(['A', 'B'], [0.5, 0.5])).toBe(a);
    expect(plain(table.get(c))).toEqual({ symbols: ['A', 'B'], weights: [0.25, 0.75] });
  });
});
