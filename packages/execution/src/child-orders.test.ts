import { D } from '@ensemble/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childQuantities, MAX_CHILD_ORDERS } from './rails.ts';

describe('childQuantities (an oversized order split within the per-order cap)', () => {
  it('splits into the fewest children, as equal as the precision allows, larger ones first', () => {
    // 7 whole shares at 100 under a 300 cap: at most 3 a child → 3 children, 3 + 2 + 2.
    expect(childQuantities(new D(7), new D(100), new D(300)).map(String)).toEqual(['3', '2', '2']);
    // A fractional line splits at 9 decimals.
    expect(childQuantities(new D('56.866'), new D(500), new D(25000)).map(String)).toEqual([
      '28.433',
      '28.433',
    ]);
    // Within the cap, or impossible to split (one share over it; too many children): whole.
    expect(childQuantities(new D(2), new D(100), new D(300)).map(String)).toEqual(['2']);
    expect(childQuantities(new D(2), new D(500), new D(400)).map(String)).toEqual(['2']);
    expect(childQuantities(new D(1000), new D(100), new D(100)).map(String)).toEqual(['1000']);
  });

  it('children sum to the line exactly, each within the cap, whenever a split is possible', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000_000 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 100, max: 5_000_000 }),
        (units, whole, priceCents, capCents) => {
          // Arrange: a qty of whole shares or with 9 decimals, a price in cents, a cap in cents.
          const qty = whole ? new D(units % 100_000).plus(1) : new D(units).div(1e9);
          const price = new D(priceCents).div(100);
          const cap = new D(capCents).div(100);
          // Act
          const children = childQuantities(qty, price, cap);
          // Assert
          expect(children.reduce((a, b) => a.plus(b), new D(0)).eq(qty)).toBe(true);
          if (children.length === 1) {
            const most = cap.div(price).toDecimalPlaces(whole ? 0 : 9, D.ROUND_DOWN);
            const fits = qty.times(price).lte(cap);
            expect(fits || most.isZero() || qty.div(most).ceil().gt(MAX_CHILD_ORDERS)).toBe(true);
          } else {
            expect(children.length).toBeLessThanOrEqual(MAX_CHILD_ORDERS);
            for (const c of children) {
              expect(c.gt(0) && c.times(price).lte(cap)).toBe(true);
              if (whole) expect(c.isInteger()).toBe(true);
              expect(c.decimalPlaces()).toBeLessThanOrEqual(9);
            }
          }
        },
      ),
      { seed: 15, numRuns: 500 },
    );
  });
});
