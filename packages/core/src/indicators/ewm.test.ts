import { describe, expect, it } from 'vitest';
import { ewmStep, ewmWeights } from './ewm.ts';

describe('ewmWeights', () => {
  it('takes α through pandas’ centre-of-mass round trip', () => {
    // Arrange: α = 1/3 → com = (1 − 1/3)/(1/3) = 2.0000000000000004 in doubles → α' = 1/(1 + com)
    const alpha = 1 / 3;
    // Act
    const w = ewmWeights(alpha);
    // Assert: one ulp below 1/3, as pandas ewm(alpha=1/3) uses it
    expect(w.cur).toBe(0.33333333333333326);
    expect(w.cur).not.toBe(alpha);
    expect(w.prev).toBe(1 - w.cur);
    expect(w.total).toBe(w.prev + w.cur);
  });

  it('keeps α exact when it is a power of two', () => {
    // Arrange / Act
    const w = ewmWeights(0.5);
    // Assert
    expect(w).toEqual({ prev: 0.5, cur: 0.5, total: 1 });
  });
});

describe('ewmStep', () => {
  it('blends the previous value and the observation, normalised by the weights’ sum', () => {
    // Arrange: α = 0.25 → ((0.75·8) + (0.25·4)) / 1 = 7
    const w = ewmWeights(0.25);
    // Act / Assert
    expect(ewmStep(8, 4, w)).toBe(7);
  });

  it('leaves the value untouched when the observation equals it', () => {
    // Arrange: α = 0.2; the blend 0.8·0.1 + 0.2·0.1 rounds to 0.10000000000000002
    const w = ewmWeights(0.2);
    // Act / Assert
    expect((w.prev * 0.1 + w.cur * 0.1) / w.total).toBe(0.10000000000000002);
    expect(ewmStep(0.1, 0.1, w)).toBe(0.1);
  });
});
