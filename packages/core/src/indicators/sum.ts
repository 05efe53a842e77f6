/**
 * Window sums computed directly per window (no running sums), in numpy's pairwise order
 * (`pairwise_sum` in numpy's umath loops): under 8 values a plain loop; up to 128 values eight
 * interleaved accumulators combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) then the remainder;
 * beyond that, halves (the first a multiple of 8) summed recursively. `np.sum`, `np.mean` and
 * `np.std` of a window therefore see the same roundings, and the eight independent accumulators
 * keep the loop fast.
 */

const BLOCK = 128;

/** Sum of `xs[from..to)` in numpy's pairwise order. */
export function pairwiseSum(xs: Float64Array, from: number, to: number): number {
  const n = to - from;
  if (n < 8) {
    let res = -0; // numpy starts from -0 so that a sum of -0s stays -0
    for (let i = from; i < to; i++) res += xs[i]!;
    return res;
  }
  if (n <= BLOCK) {
    let r0 = xs[from]!;
    let r1 = xs[from + 1]!;
    let r2 = xs[from + 2]!;
    let r3 = xs[from + 3]!;
    let r4 = xs[from + 4]!;
    let r5 = xs[from + 5]!;
    let r6 = xs[from + 6]!;
    let r7 = xs[from + 7]!;
    const blockEnd = to - (n % 8);
    let i = from + 8;
    for (; i < blockEnd; i += 8) {
      r0 += xs[i]!;
      r1 += xs[i + 1]!;
      r2 += xs[i + 2]!;
      r3 += xs[i + 3]!;
      r4 += xs[i + 4]!;
      r5 += xs[i + 5]!;
      r6 += xs[i + 6]!;
      r7 += xs[i + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < to; i++) res += xs[i]!;
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(xs, from, from + half) + pairwiseSum(xs, from + half, to);
}

/**
 * Sum of `(xs[i] − mean)²` over `xs[from..to)` in the same pairwise order (numpy's `_var`). The square is
 * written out (`d * d`) rather than called, so that no boxed double is returned per element.
 */
export function pairwiseSumSquaredDeviations(
  xs: Float64Array,
  from: number,
  to: number,
  mean: number,
): number {
  const n = to - from;
  if (n < 8) {
    let res = -0;
    for (let i = from; i < to; i++) {
      const d = xs[i]! - mean;
      res += d * d;
    }
    return res;
  }
  if (n <= BLOCK) {
    let d = xs[from]! - mean;
    let r0 = d * d;
    d = xs[from + 1]! - mean;
    let r1 = d * d;
    d = xs[from + 2]! - mean;
    let r2 = d * d;
    d = xs[from + 3]! - mean;
    let r3 = d * d;
    d = xs[from + 4]! - mean;
    let r4 = d * d;
    d = xs[from + 5]! - mean;
    let r5 = d * d;
    d = xs[from + 6]! - mean;
    let r6 = d * d;
    d = xs[from + 7]! - mean;
    let r7 = d * d;
    const blockEnd = to - (n % 8);
    let i = from + 8;
    for (; i < blockEnd; i += 8) {
      d = xs[i]! - mean;
      r0 += d * d;
      d = xs[i + 1]! - mean;
      r1 += d * d;
      d = xs[i + 2]! - mean;
      r2 += d * d;
      d = xs[i + 3]! - mean;
      r3 += d * d;
      d = xs[i + 4]! - mean;
      r4 += d * d;
      d = xs[i + 5]! - mean;
      r5 += d * d;
      d = xs[i + 6]! - mean;
      r6 += d * d;
      d = xs[i + 7]! - mean;
      r7 += d * d;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < to; i++) {
      d = xs[i]! - mean;
      res += d * d;
    }
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return (
    pairwiseSumSquaredDeviations(xs, from, from + half, mean) +
    pairwiseSumSquaredDeviations(xs, from + half, to, mean)
  );
}

/** Whether every value of `xs[from..to)` equals the first. */
export function allEqual(xs: Float64Array, from: number, to: number): boolean {
  const first = xs[from]!;
  for (let i = from + 1; i < to; i++) if (xs[i] !== first) return false;
  return true;
}
