/**
 * The carve-out by weights (a pool member flipping to per-book) against the pro-rata carve: totals conserved
 * to the share and cent, the member's slice of NAV handed over (less rounding), nothing handed over that it
 * would have to sell (only what it targets, up to its target, while the pool's cash can make up the rest) —
 * where the pro-rata carve, which hands it a slice of every holding, has it sell all it does not target — and
 * no trade at all, on either side, from a pool on its merged targets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, dec } from '../decimal.ts';
import { normalizeShares } from './attribution.ts';
import { carveFromPool } from './flip.ts';
import type { BookState } from './types.ts';
import { valueBook } from './valuation.ts';

type Weights = Record<string, string>;
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];

/** Per-symbol qty and cost, plus cash, summed over books. */
const totals = (...books: BookState[]) => {
  const out = new Map<string, D>([['cash', books.reduce((s, b) => s.plus(b.cash), new D(0))]]);
  for (const b of books) {
    for (const h of b.positions) {
      out.set(`${h.symbol}.qty`, (out.get(`${h.symbol}.qty`) ?? new D(0)).plus(h.qty));
      out.set(`${h.symbol}.cost`, (out.get(`${h.symbol}.cost`) ?? new D(0)).plus(h.costBasis));
    }
  }
  return Object.fromEntries([...out].filter(([, v]) => !v.isZero()).map(([k, v]) => [k, v.toFixed()]));
};

/** The notional a book must trade to sit on `weights` (sells and buys): Σ |value − weight × NAV| per symbol. */
const turnover = (book: BookState, weights: Weights, prices: Record<string, string>): D => {
  const v = valueBook(book, prices);
  const nav = dec(v.nav);
  const symbols = new Set([...Object.keys(weights), ...v.positions.map((p) => p.symbol)]);
  let traded = new D(0);
  for (const s of symbols) {
    const mv = dec(v.positions.find((p) => p.symbol === s)?.marketValue ?? '0');
    traded = traded.plus(mv.minus(nav.times(weights[s] ?? '0')).abs());
  }
  return traded;
};

/** Merged weights of the members left in the pool. */
const merged = (
  shares: Record<string, string>,
  targets: Record<string, Weights>,
  without: string,
): Weights => {
  const rest = Object.keys(shares).filter((id) => id !== without);
  const total = rest.reduce((a, id) => a.plus(shares[id]!), new D(0));
  const out: Record<string, D> = {};
  for (const id of rest) {
    for (const [s, w] of Object.entries(targets[id] ?? {})) {
      out[s] = (out[s] ?? new D(0)).plus(dec(shares[id]!).div(total).times(w));
    }
  }
  return Object.fromEntries(Object.entries(out).map(([s, w]) => [s, w.toFixed()]));
};

/** What a book would sell to sit on `weights` of `slot`: Σ over its holdings of the value above target. */
const sellsNeeded = (book: BookState, weights: Weights, prices: Record<string, string>, slot: D): D =>
  valueBook(book, prices).positions.reduce(
    (a, p) => a.plus(D.max(dec(p.marketValue).minus(slot.times(weights[p.symbol] ?? '0')), 0)),
    new D(0),
  );

/** Σ over the member's targeted symbols of min(its attributed part, its target), in value. */
const cappedParts = (
  pool: BookState,
  shares: Record<string, string>,
  targets: Record<string, Weights>,
  prices: Record<string, string>,
  slot: D,
): D =>
  pool.positions.reduce((a, h) => {
    const contribution = (id: string) => dec(shares[id]!).times(targets[id]?.[h.symbol] ?? '0');
    const total = Object.keys(shares).reduce((t, id) => t.plus(contribution(id)), new D(0));
    if (total.isZero()) return a;
    const part = dec(h.qty).times(contribution('m0').div(total)).times(prices[h.symbol]!);
    return a.plus(D.min(part, slot.times(targets.m0?.[h.symbol] ?? '0')));
  }, new D(0));

const weightsArb = fc
  .uniqueArray(fc.constantFrom(...SYMBOLS), { minLength: 1, maxLength: 3 })
  .chain((symbols) =>
    fc
      .array(fc.integer({ min: 1, max: 100 }), { minLength: symbols.length, maxLength: symbols.length })
      .map((raw) => {
        const sum = raw.reduce((a, b) => a + b, 0);
        return Object.fromEntries(symbols.map((s, i) => [s, new D(raw[i]!).div(sum).toFixed()]));
      }),
  );

const scenario = fc.record({
  members: fc.array(weightsArb, { minLength: 2, maxLength: 4 }),
  rawShares: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 4, maxLength: 4 }),
  prices: fc.array(fc.integer({ min: 50, max: 100_000 }), { minLength: 5, maxLength: 5 }),
  qtys: fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 5, maxLength: 5 }),
  cashCents: fc.integer({ min: 0, max: 50_000_000 }),
  whole: fc.subarray(SYMBOLS),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const setUp = (s: Scenario) => {
  const ids = s.members.map((_, i) => `m${i}`);
  const shares = { ...normalizeShares(Object.fromEntries(ids.map((id, i) => [id, new D(s.rawShares[i]!)]))) };
  const targets = Object.fromEntries(ids.map((id, i) => [id, s.members[i]!]));
  const prices = Object.fromEntries(SYMBOLS.map((x, i) => [x, new D(s.prices[i]!).div(100).toFixed()]));
  return { ids, shares, targets, prices, whole: new Set(s.whole) };
};

describe('carveFromPool by weights (property)', () => {
  it('conserves totals, hands over the slice, and hands nothing the strategy would have to sell', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        // Arrange: a pool with arbitrary holdings (off its targets), cash, whole-share symbols.
        const { shares, targets, prices, whole } = setUp(s);
        const pool: BookState = {
          bookId: 'pool',
          cash: new D(s.cashCents).div(100).toFixed(),
          positions: SYMBOLS.map((x, i) => ({
            symbol: x,
            qty: whole.has(x) ? String(s.qtys[i]! % 5000) : new D(s.qtys[i]!).div(1e6).toFixed(),
            costBasis: new D(s.qtys[i]!).div(1e4).toDecimalPlaces(2).toFixed(),
          })).filter((h) => !dec(h.qty).isZero()),
        };
        const input = { pool, shares, strategyId: 'm0', nonFractionable: whole };
        // Act
        const byWeights = carveFromPool({ ...input, targets, prices });
        const proRata = carveFromPool(input);
        // Assert: totals to the share and cent.
        expect(totals(byWeights.pool, byWeights.book)).toEqual(totals(pool));
        // The slice: share × NAV, less at most a cent and a unit of each symbol (twice: two roundings).
        const slot = dec(shares.m0!).times(valueBook(pool, prices).nav);
        const carved = dec(valueBook(byWeights.book, prices).nav);
        const units = Object.entries(prices).reduce(
          (a, [x, p]) => a.plus(dec(p).times(whole.has(x) ? 1 : 1e-9)),
          new D(0),
        );
        expect(carved.lte(slot.plus('1e-9'))).toBe(true);
        expect(carved.gte(slot.minus(units.times(2)).minus('0.02'))).toBe(true);
        // Nothing handed over that the strategy would have to sell, while the pool's cash and its parts of what
        // it targets can make up its slice: only symbols it targets, none beyond its target (a unit's slack).
        const mine = targets.m0!;
        const coverable = dec(pool.cash)
          .plus(cappedParts(pool, shares, targets, prices, slot))
          .minus(units.times(2))
          .gte(slot);
        const slack = units.times(2).plus('0.02');
        if (coverable) {
          expect(valueBook(byWeights.book, prices).positions.every((p) => mine[p.symbol] !== undefined)).toBe(
            true,
          );
          expect(sellsNeeded(byWeights.book, mine, prices, slot).lte(slack)).toBe(true);
        }
        // The pro-rata carve hands over a slice of every holding: what the strategy does not target, it sells.
        const foreign = valueBook(proRata.book, prices).positions.filter((p) => mine[p.symbol] === undefined);
        const foreignValue = foreign.reduce((a, p) => a.plus(p.marketValue), new D(0));
        if (foreignValue.gt(slack))
          expect(sellsNeeded(proRata.book, mine, prices, slot).gte(foreignValue)).toBe(true);
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it('splits a pool on its merged targets into two books each on its own targets: nothing to trade', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        // Arrange: the pool holds exactly its merged targets (fractional symbols), no cash.
        const { shares, targets, prices } = setUp(s);
        const nav = new D(s.cashCents).plus(1_000_000).div(100);
        const weights = merged(shares, targets, '');
        const pool: BookState = {
          bookId: 'pool',
          cash: '0',
          positions: Object.entries(weights).map(([x, w]) => ({
            symbol: x,
            qty: nav.times(w).div(prices[x]!).toDecimalPlaces(9, D.ROUND_DOWN).toFixed(),
            costBasis: '100',
          })),
        };
        // Act
        const r = carveFromPool({ pool, shares, strategyId: 'm0', targets, prices });
        // Assert: each side a few cents (rounding) away from its own targets.
        const cents = new D('0.05');
        expect(turnover(r.book, targets.m0!, prices).lte(cents)).toBe(true);
        expect(turnover(r.pool, merged(shares, targets, 'm0'), prices).lte(cents)).toBe(true);
      }),
      { seed: 15, numRuns: 300 },
    );
  });
});
