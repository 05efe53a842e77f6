import { describe, expect, it } from 'vitest';
import { remembered } from './memo.ts';

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
