import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceInvalidError } from '../books/errors.ts';
import { applyFills } from '../books/fills.ts';
import type { BookState } from '../books/types.ts';
import { dec, sum } from '../decimal.ts';
import { planRebalance } from './plan.ts';
import { parsePlannerSettings } from './settings.ts';
import type { PlanInput } from './types.ts';

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF'] as const;
const six = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: 6, maxLength: 6 });
const cents = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => dec(String(n)).div(100).toFixed());
const RUNS = { numRuns: 300 };

/** A random book, targets, prices and settings; `minNav` lifts the cash so the corridor is reachable. */
const scenario = (opts: { minCash: number; allFractionable?: boolean }) =>
  fc
    .record({
      held: fc.subarray([...SYMBOLS]),
      targeted: fc.subarray([...SYMBOLS], { minLength: 1 }),
      qty: six(fc.integer({ min: 1, max: 10 ** 14 }).map((n) => dec(String(n)).div(1e9).toFixed())),
      weights: six(fc.integer({ min: 1, max: 100 })),
      prices: six(cents(100, 100_000)),
      fractionable: six(fc.boolean()),
      cash: cents(0, 10 ** 9),
      threshold: fc.integer({ min: 2, max: 25 }).map((n) => dec(String(n)).div(100).toFixed()),
      buffer: fc.integer({ min: 0, max: 5 }).map((n) => dec(String(n)).div(1000).toFixed()),
      minNotional: fc.integer({ min: 1, max: 50 }).map(String),
      mode: fc.constantFrom('threshold', 'daily'),
    })
    .map((s): PlanInput => {
      const totalW = sum(s.targeted.map((sym) => dec(String(s.weights[SYMBOLS.indexOf(sym)]!))));
      const idx = (sym: string) => SYMBOLS.indexOf(sym as (typeof SYMBOLS)[number]);
      return {
        book: {
          bookId: 'strategy#prop',
          cash: dec(s.cash).plus(opts.minCash).toFixed(),
          positions: s.held.map((sym) => ({ symbol: sym, qty: s.qty[idx(sym)]!, costBasis: '1' })),
        },
        targets: Object.fromEntries(
          s.targeted.map((sym) => [
            sym,
            dec(String(s.weights[idx(sym)]!))
              .div(totalW)
              .toFixed(),
          ]),
        ),
        prices: Object.fromEntries(SYMBOLS.map((sym, i) => [sym, s.prices[i]!])),
        assets: Object.fromEntries(
          SYMBOLS.map((sym, i) => [
            sym,
            { fractionable: opts.allFractionable || s.fractionable[i]!, tradable: true },
          ]),
        ),
        settings: parsePlannerSettings({
          rebalance:
            s.mode === 'threshold'
              ? { kind: 'threshold', threshold: s.threshold }
              : { kind: 'frequency', frequency: 'daily' },
          minTradeNotional: s.minNotional,
          cashBuffer: s.buffer,
        }),
      };
    });

const heldQty = (book: BookState, symbol: string) =>
  dec(book.positions.find((h) => h.symbol === symbol)?.qty ?? '0');

describe('planRebalance (properties)', () => {
  it('never sells more than the book holds', () => {
    fc.assert(
      fc.property(scenario({ minCash: 0 }), (input) => {
        // Act
        const plan = planRebalance(input);
        // Assert
        for (const l of plan.lines.filter((x) => x.side === 'sell')) {
          expect(dec(l.qty).lte(heldQty(input.book, l.symbol))).toBe(true);
        }
      }),
      { ...RUNS, seed: 101 },
    );
  });

  it('never buys more than book cash + sell proceeds − buffer', () => {
    fc.assert(
      fc.property(scenario({ minCash: 0 }), (input) => {
        // Act
        const plan = planRebalance(input);
        // Assert
        const notional = (side: string) =>
          sum(plan.lines.filter((l) => l.side === side).map((l) => dec(l.qty).times(l.price)));
        const budget = dec(input.book.cash)
          .plus(notional('sell'))
          .minus(dec(plan.nav).times(input.settings.cashBuffer));
        expect(notional('buy').lte(budget.gt(0) ? budget : 0)).toBe(true);
      }),
      { ...RUNS, seed: 202 },
    );
  });

  it('leaves every weight within the corridor after simulated fills at the plan prices', () => {
    fc.assert(
      fc.property(scenario({ minCash: 1_000_000 }), (input) => {
        // Arrange
        const plan = planRebalance(input);
        // Act: fill every line at its plan price
        const after = applyFills(input.book, plan.lines).book;
        // Assert: weights of the investable NAV (NAV is unchanged by fills at plan prices)
        const investable = dec(plan.nav).times(dec('1').minus(input.settings.cashBuffer));
        const corridor =
          input.settings.rebalance.kind === 'threshold'
            ? dec(input.settings.rebalance.threshold)
            : dec('0.02');
        for (const sym of SYMBOLS) {
          const w = heldQty(after, sym).times(input.prices[sym]!).div(investable);
          const target = dec(input.targets[sym] ?? '0');
          expect(w.minus(target).abs().lte(corridor), `${sym}: ${w} vs ${target} ± ${corridor}`).toBe(true);
        }
      }),
      { ...RUNS, seed: 303 },
    );
  });

  it('is deterministic, whatever the order of the input keys', () => {
    fc.assert(
      fc.property(scenario({ minCash: 0 }), (input) => {
        // Arrange
        const reversed = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).reverse());
        const shuffled: PlanInput = {
          ...input,
          book: { ...input.book, positions: [...input.book.positions].reverse() },
          targets: reversed(input.targets),
          prices: reversed(input.prices),
          assets: reversed(input.assets),
        };
        // Act
        const a = planRebalance(input);
        const b = planRebalance(structuredClone(shuffled));
        // Assert
        expect(b).toEqual(a);
        const order = a.lines.map((l) => `${l.side === 'sell' ? 0 : 1}${l.symbol}`);
        expect(order).toEqual([...order].sort());
      }),
      { ...RUNS, seed: 404 },
    );
  });

  it('fails with no plan when a held symbol has a zero, negative or missing price', () => {
    fc.assert(
      fc.property(
        scenario({ minCash: 0 }),
        fc.constantFrom('0', '-1.5', undefined),
        fc.nat(),
        (input, bad, k) => {
          // Arrange
          fc.pre(input.book.positions.length > 0);
          const victim = input.book.positions[k % input.book.positions.length]!.symbol;
          const prices: Record<string, string> = { ...input.prices };
          if (bad === undefined) delete prices[victim];
          else prices[victim] = bad;
          // Act
          const act = () => planRebalance({ ...input, prices });
          // Assert
          expect(act).toThrow(PriceInvalidError);
        },
      ),
      { ...RUNS, seed: 505 },
    );
  });
});
