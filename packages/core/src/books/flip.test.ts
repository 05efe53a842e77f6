import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../decimal.ts';
import { BookInvariantError } from './errors.ts';
import { carveFromPool, mergeIntoPool } from './flip.ts';
import type { BookState } from './types.ts';

const pool: BookState = {
  bookId: 'pool',
  cash: '1000.005',
  positions: [
    { symbol: 'SPY', qty: '10', costBasis: '4000' },
    { symbol: 'TLT', qty: '3.333333333', costBasis: '300.01' },
  ],
};
const shares = { beta: '0.3', gamma: '0.7' };
const prices = { SPY: '500', TLT: '95', QQQ: '400' };

/** Per-symbol qty and cost, plus cash, summed over books: what a flip must preserve exactly. */
const totals = (...books: BookState[]) => {
  const out: Record<string, string> = { cash: books.reduce((s, b) => s.plus(b.cash), dec('0')).toFixed() };
  for (const b of books) {
    for (const h of b.positions) {
      out[`${h.symbol}.qty`] = dec(out[`${h.symbol}.qty`] ?? '0')
        .plus(h.qty)
        .toFixed();
      out[`${h.symbol}.cost`] = dec(out[`${h.symbol}.cost`] ?? '0')
        .plus(h.costBasis)
        .toFixed();
    }
  }
  return out;
};

describe('carveFromPool', () => {
  it("moves the strategy's share of each position and of the cash, rounded down in the pool's favour", () => {
    // Arrange / Act
    const r = carveFromPool({ pool, shares, strategyId: 'beta' });
    // Assert
    expect(r.transfers).toEqual([
      { kind: 'position', from: 'pool', to: 'strategy#beta', symbol: 'SPY', qty: '3', costBasis: '1200' },
      {
        kind: 'position',
        from: 'pool',
        to: 'strategy#beta',
        symbol: 'TLT',
        qty: '0.999999999',
        costBasis: '90',
      },
      { kind: 'cash', from: 'pool', to: 'strategy#beta', amount: '300' },
    ]);
    expect(r.pool.cash).toBe('700.005');
    expect(r.shares).toEqual({ gamma: '1' });
    expect(totals(r.pool, r.book)).toEqual(totals(pool));
  });

  it('by weights: hands the strategy what it targets, so neither side trades what the other holds', () => {
    // Arrange: NAV 10 000 on the merged targets of beta (0.4: SPY ½, GLD ½) and gamma (0.6: SPY ½, TLT ½):
    // SPY 10 @ 500 (0.5), GLD 10 @ 200 (0.2), TLT 30 @ 100 (0.3).
    const onTarget: BookState = {
      bookId: 'pool',
      cash: '0',
      positions: [
        { symbol: 'GLD', qty: '10', costBasis: '1900' },
        { symbol: 'SPY', qty: '10', costBasis: '4500' },
        { symbol: 'TLT', qty: '30', costBasis: '3300' },
      ],
    };
    const targets = { beta: { SPY: '0.5', GLD: '0.5' }, gamma: { SPY: '0.5', TLT: '0.5' } };
    const at = { SPY: '500', GLD: '200', TLT: '100' };
    // Act
    const r = carveFromPool({
      pool: onTarget,
      shares: { beta: '0.4', gamma: '0.6' },
      strategyId: 'beta',
      targets,
      prices: at,
    });
    const proRata = carveFromPool({
      pool: onTarget,
      shares: { beta: '0.4', gamma: '0.6' },
      strategyId: 'beta',
    });
    // Assert: beta gets 4 SPY and all the GLD (its 4 000, 50/50); the pool keeps 6 SPY and the TLT (gamma's 50/50).
    expect(r.transfers.map((t) => (t.kind === 'position' ? `${t.symbol} ${t.qty}` : t.amount))).toEqual([
      'GLD 10',
      'SPY 4',
    ]);
    expect(r.pool.positions.map((h) => `${h.symbol} ${h.qty}`)).toEqual(['SPY 6', 'TLT 30']);
    // The pro-rata carve would hand beta 12 TLT it does not target (and take 4 GLD the pool no longer needs).
    expect(proRata.book.positions.map((h) => `${h.symbol} ${h.qty}`)).toEqual(['GLD 4', 'SPY 4', 'TLT 12']);
    expect(totals(r.pool, r.book)).toEqual(totals(onTarget));
  });

  it('carves whole shares of a non-fractionable asset', () => {
    // Arrange / Act
    const r = carveFromPool({
      pool,
      shares: { beta: '0.35', gamma: '0.65' },
      strategyId: 'beta',
      nonFractionable: new Set(['SPY']),
    });
    // Assert
    expect(r.book.positions.find((h) => h.symbol === 'SPY')?.qty).toBe('3');
  });

  it('rejects a strategy that is not in the pool', () => {
    // Arrange / Act / Assert
    expect(() => carveFromPool({ pool, shares, strategyId: 'delta' })).toThrow(BookInvariantError);
  });
});

describe('mergeIntoPool', () => {
  it('moves the whole book and issues a share at NAV', () => {
    // Arrange: pool NAV 1000.005 + 5000 + 316.666666635 = 6316.671666635; book NAV 2000 → 2000 / 8316.67…
    const book: BookState = {
      bookId: 'strategy#delta',
      cash: '400',
      positions: [{ symbol: 'QQQ', qty: '4', costBasis: '1500' }],
    };
    // Act
    const r = mergeIntoPool({ pool, shares, strategyId: 'delta', book, prices });
    // Assert
    expect(r.book).toEqual({ bookId: 'strategy#delta', cash: '0', positions: [] });
    expect(totals(r.pool)).toEqual(totals(pool, book));
    expect(dec(r.shares.delta!).toDecimalPlaces(6).toFixed()).toBe('0.240481');
    expect(
      Object.values(r.shares)
        .reduce((s, v) => s.plus(v), dec('0'))
        .toFixed(),
    ).toBe('1');
  });

  it('gives the strategy the whole pool when the pool has no members', () => {
    // Arrange
    const book: BookState = { bookId: 'strategy#delta', cash: '10', positions: [] };
    // Act
    const r = mergeIntoPool({
      pool: { bookId: 'pool', cash: '0', positions: [] },
      shares: {},
      strategyId: 'delta',
      book,
      prices,
    });
    // Assert
    expect(r.shares).toEqual({ delta: '1' });
  });
});

describe('flag flip round trip', () => {
  const qty = fc.integer({ min: 0, max: 10 ** 12 }).map((n) => dec(String(n)).div(1e9).toFixed());
  const money = fc.integer({ min: 0, max: 10 ** 9 }).map((n) => dec(String(n)).div(1000).toFixed());
  const holding = (symbol: string) => fc.record({ symbol: fc.constant(symbol), qty, costBasis: money });
  const bookArb = (bookId: string) =>
    fc.record({
      bookId: fc.constant(bookId),
      cash: money,
      positions: fc
        .tuple(holding('SPY'), holding('TLT'), holding('QQQ'))
        .map((hs) => hs.filter((h) => h.qty !== '0')),
    });
  const shareArb = fc.integer({ min: 1, max: 999_999 }).map((n) => dec(String(n)).div(1e6));

  it('aggregated → per-book → aggregated preserves totals exactly and restores the pool', () => {
    fc.assert(
      fc.property(bookArb('pool'), shareArb, (p, f) => {
        // Arrange
        const sh = { beta: f.toFixed(), gamma: dec('1').minus(f).toFixed() };
        // Act
        const out = carveFromPool({ pool: p, shares: sh, strategyId: 'beta' });
        const back = mergeIntoPool({
          pool: out.pool,
          shares: out.shares,
          strategyId: 'beta',
          book: out.book,
          prices,
        });
        // Assert
        expect(totals(out.pool, out.book)).toEqual(totals(p));
        expect(totals(back.pool, back.book)).toEqual(totals(p));
        expect(back.pool.cash).toBe(dec(p.cash).toFixed());
      }),
      { numRuns: 250, seed: 20240611 },
    );
  });

  it('per-book → aggregated → per-book preserves totals exactly', () => {
    fc.assert(
      fc.property(bookArb('pool'), bookArb('strategy#beta'), (p, b) => {
        // Arrange
        const priced = { ...prices };
        fc.pre(dec(p.cash).plus(p.positions.length).gt(0));
        // Act
        const merged = mergeIntoPool({
          pool: p,
          shares: { gamma: '1' },
          strategyId: 'beta',
          book: b,
          prices: priced,
        });
        const out = carveFromPool({ pool: merged.pool, shares: merged.shares, strategyId: 'beta' });
        // Assert
        expect(totals(merged.pool, merged.book)).toEqual(totals(p, b));
        expect(totals(out.pool, out.book)).toEqual(totals(p, b));
        expect(Object.keys(out.shares)).toEqual(['gamma']);
      }),
      { numRuns: 250, seed: 20240612 },
    );
  });
});
