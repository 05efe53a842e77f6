/**
 * Each combining node's last combination (weights, filters): the input codes and the result made from
 * them. Consecutive sessions mostly combine the same inputs, so a node compares its inputs with the last
 * ones and reuses the result instead of merging again.
 */
import type { AllocTable } from './allocation.ts';

/** The last combination of every combining node of one evaluator. */
export class LastCombinations {
  /** Input codes of a node's last combination, by canonical node id. */
  readonly inputs: (readonly number[] | undefined)[] = [];
  /** The result of a node's last combination, by canonical node id. */
  readonly results: number[] = [];

  constructor(private readonly allocs: AllocTable) {}

  /** Combine the (non-failing) inputs and remember them as the node's last combination. */
  combine(id: number, inputs: readonly number[], scales: readonly number[] | null): number {
    const result = this.allocs.combine(inputs, scales);
    this.inputs[id] = inputs;
    this.results[id] = result;
    return result;
  }

  /** Equal-weight combination of the inputs, reusing the node's last result when the inputs are the same. */
  cached(id: number, inputs: readonly number[]): number {
    const last = this.inputs[id];
    if (last !== undefined && last.length === inputs.length) {
      let same = true;
      for (let k = 0; k < inputs.length && same; k++) same = last[k] === inputs[k];
      if (same) return this.results[id]!;
    }
    return this.combine(id, inputs, null);
  }
}
