/**
 * Run handling shared by every kernel. A series aligned to a session calendar holds `NaN` on days
 * without a value; each maximal run of non-NaN values is an independent series.
 */

/** A fresh output array of `length` NaNs (the value of every day no kernel writes). */
export const nanArray = (length: number): Float64Array => new Float64Array(length).fill(Number.NaN);

/** Calls `fn(start, end)` for each maximal run of non-NaN values `xs[start..end)`, in order. */
export function forEachRun(xs: Float64Array, fn: (start: number, end: number) => void): void {
  const n = xs.length;
  let i = 0;
  while (i < n) {
    while (i < n && Number.isNaN(xs[i]!)) i++;
    const start = i;
    while (i < n && !Number.isNaN(xs[i]!)) i++;
    if (i > start) fn(start, i);
  }
}
