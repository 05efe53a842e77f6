import { describe, expect, it } from 'vitest';
import { remembered, rememberedFor } from './memo.ts';

describe('remembered', () => {
  it('computes a key once, remembers nothing a computation throws, and empties itself at its bound', () => {
    // Arrange
    const calls: number[] = [];
    const square = remembered((n: number) => {
      calls.push(n);
      if (n < 0) throw new RangeError('negative');
      return n * n;
    }, 2);
    // Act / Assert
    expect([square(2), square(2), square(3)]).toEqual([4, 4, 9]);
    expect(calls).toEqual([2, 3]);
    expect(() => square(-1)).toThrow('negative');
    expect(() => square(-1)).toThrow('negative');
    expect(calls).toEqual([2, 3, -1, -1]);
    square(4); // the third key: the two before are forgotten
    square(2);
    expect(calls).toEqual([2, 3, -1, -1, 4, 2]);
  });
});

describe('rememberedFor', () => {
  it('computes an object and key once, by the object itself, not by its contents', () => {
    // Arrange
    const calls: string[] = [];
    const scaled = rememberedFor((xs: readonly number[], by: number) => {
      calls.push(`${xs.join(',')}×${by}`);
      return xs.map((x) => x * by);
    });
    const a = [1, 2];
    const twin = [1, 2];
    // Act
    const first = scaled(a, 2);
    const again = scaled(a, 2);
    scaled(a, 3);
    scaled(twin, 2);
    // Assert
    expect(again).toBe(first);
    expect(first).toEqual([2, 4]);
    expect(calls).toEqual(['1,2×2', '1,2×3', '1,2×2']);
  });
});
