/**
 * A small seeded pseudo-random generator (mulberry32), so fault schedules and test scenarios are
 * reproducible from one integer seed.
 */

/** A reproducible source of numbers in [0, 1). */
export interface Random {
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/** mulberry32 seeded with `seed` (any 32-bit integer). */
export const createRandom = (seed: number): Random => {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
};
