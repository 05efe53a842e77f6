/**
 * pandas `ewm(alpha=α, adjust=False).mean()`, reproduced operation for operation so results match
 * the reference engine to the last bit or so (not merely to the algebraic formula).
 */

/** The weights pandas' ewm kernel uses for a given `alpha`. */
export interface EwmWeights {
  /** Weight of the previous value: `1 − α'`. */
  readonly prev: number;
  /** Weight of the new observation: `α'`. */
  readonly cur: number;
  /** Normaliser `(1 − α') + α'`, which is not always exactly 1 in floating point. */
  readonly total: number;
}

/**
 * pandas turns `alpha` into a centre of mass `com = (1 − α) / α` and its kernel turns that back
 * into `α' = 1 / (1 + com)`; α' can differ from α by one ulp, so we take the same round trip.
 */
export function ewmWeights(alpha: number): EwmWeights {
  const com = (1 - alpha) / alpha;
  const cur = 1 / (1 + com);
  const prev = 1 - cur;
  return { prev, cur, total: prev + cur };
}

/**
 * One step of the adjust=False recursion, `y_t = ((1 − α) y_{t−1} + α x_t) / ((1 − α) + α)`.
 * Like pandas, the value is left untouched when the observation equals it (a constant series
 * stays exactly constant).
 */
export const ewmStep = (prev: number, cur: number, w: EwmWeights): number =>
  prev === cur ? prev : (w.prev * prev + w.cur * cur) / w.total;
