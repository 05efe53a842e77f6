/**
 * Netting at the account: hand-checked crosses, and properties over random days of plans — a cross never
 * exceeds a line or the buyer's cash, whole-share lines stay whole, the account's net order per symbol is
 * what the books' plans add up to, and what is left never trades one symbol both ways unless a buyer's cash
 * or a whole-share line stopped the cross.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D } from '../decimal.ts';
import { crossCostBases, crossOrders, type NettableLine, netLines } from './netting.ts';

const line = (bookId: string, side: 'buy' | 'sell', symbol: string, qty: string): NettableLine => ({
  bookId,
  side,
  symbol,
  qty,
});

describe('crossOrders', () => {
  it('crosses opposite lines of two books at the as-of price, up to the smaller line', () => {
    const crosses = crossOrders({
      lines: [line('a', 'sell', 'TQQQ', '10'), line('b', 'buy', 'TQQQ', '6'), line('b', 'sell', 'GLD', '3')],
      prices: { TQQQ: '50.25', GLD: '180' },
      cash: { b: '1000' },
      buyCashBufferBps: 50,
    });
    expect(crosses).toEqual([
      { symbol: 'TQQQ', seller: 'a', buyer: 'b', qty: '6', price: '50.25', amount: '301.5' },
    ]);
  });

  it('never crosses a book with itself, nor a symbol without a price', () => {
    expect(
      crossOrders({
        lines: [line('a', 'sell', 'X', '5'), line('a', 'buy', 'X', '5'), line('a', 'sell', 'Y', '1')],
        prices: { X: '10' },
        cash: { a: '1000' },
        buyCashBufferBps: 0,
      }),
    ).toEqual([]);
    expect(
      crossOrders({
        lines: [line('a', 'sell', 'Y', '1'), line('b', 'buy', 'Y', '1')],
        prices: {},
        cash: { b: '1000' },
        buyCashBufferBps: 0,
      }),
    ).toEqual([]);
  });

  it("limits a cross to what the buyer's cash pays for now, less the buffer, across symbols", () => {
    const crosses = crossOrders({
      lines: [
        line('a', 'sell', 'AAA', '10'),
        line('a', 'sell', 'BBB', '10'),
        line('pool', 'buy', 'AAA', '10'),
        line('pool', 'buy', 'BBB', '10'),
      ],
      prices: { AAA: '10', BBB: '10' },
      cash: { pool: '150.75' },
      buyCashBufferBps: 50, // 150.75 × 0.995 = 149.99625
    });
    expect(crosses.map((c) => [c.symbol, c.qty])).toEqual([
      ['AAA', '10'],
      ['BBB', '4'],
    ]);
  });

  it('lets a buyer pay with its planned sells, as the planner sized its buys', () => {
    // b has no cash: a rotation, selling Y at the broker to buy X, which a sells.
    const crosses = crossOrders({
      lines: [line('a', 'sell', 'X', '5'), line('b', 'buy', 'X', '5'), line('b', 'sell', 'Y', '10')],
      prices: { X: '10', Y: '5' },
      cash: {},
      buyCashBufferBps: 0,
    });
    expect(crosses.map((x) => `${x.symbol} ${x.seller}>${x.buyer} ${x.qty}`)).toEqual(['X a>b 5']);
  });

  it('keeps a whole-share line whole, and crosses fractional lines to 9 decimals', () => {
    const whole = crossOrders({
      lines: [line('a', 'sell', 'X', '2.5'), line('b', 'buy', 'X', '7')],
      prices: { X: '3' },
      cash: { b: '100' },
      buyCashBufferBps: 0,
    });
    expect(whole.map((c) => c.qty)).toEqual(['2']);
    const fractional = crossOrders({
      lines: [line('a', 'sell', 'X', '2.5'), line('b', 'buy', 'X', '1.123456789')],
      prices: { X: '3' },
      cash: { b: '100' },
      buyCashBufferBps: 0,
    });
    expect(fractional.map((c) => c.qty)).toEqual(['1.123456789']);
  });

  it('matches sellers and buyers in book-id order, greedily', () => {
    const crosses = crossOrders({
      lines: [
        line('pool', 'buy', 'X', '5'),
        line('b', 'sell', 'X', '4'),
        line('a', 'sell', 'X', '3'),
        line('c', 'buy', 'X', '10'),
      ],
      prices: { X: '1' },
      cash: { pool: '100', c: '100' },
      buyCashBufferBps: 0,
    });
    expect(crosses.map((c) => `${c.seller}>${c.buyer} ${c.qty}`)).toEqual(['a>c 3', 'b>c 4']);
  });
});

describe('netLines', () => {
  it("reduces a book's lines by its crosses, dropping a line crossed whole", () => {
    const crosses = [
      { symbol: 'X', seller: 'a', buyer: 'b', qty: '6' },
      { symbol: 'Y', seller: 'c', buyer: 'a', qty: '2' },
    ];
    const lines = [
      { symbol: 'X', side: 'sell' as const, qty: '10', reason: 'r1' },
      { symbol: 'Y', side: 'buy' as const, qty: '2', reason: 'r2' },
      { symbol: 'Z', side: 'buy' as const, qty: '1', reason: 'r3' },
    ];
    expect(netLines('a', lines, crosses)).toEqual([
      { symbol: 'X', side: 'sell', qty: '4', reason: 'r1' },
      { symbol: 'Z', side: 'buy', qty: '1', reason: 'r3' },
    ]);
    expect(netLines('b', [{ symbol: 'X', side: 'buy' as const, qty: '6' }], crosses)).toEqual([]);
    expect(netLines('d', lines, crosses)).toEqual(lines);
  });
});

describe('crossCostBases', () => {
  it("moves the seller's pro rata cost, and all that is left with the last shares", () => {
    const crosses = [
      { symbol: 'X', seller: 'a', buyer: 'b', qty: '1', price: '10', amount: '10' },
      { symbol: 'X', seller: 'a', buyer: 'c', qty: '2', price: '10', amount: '20' },
    ];
    expect(crossCostBases(crosses, new Map([['a/X', { qty: '3', costBasis: '10' }]]))).toEqual([
      '3.33',
      '6.67',
    ]);
  });
});

const BOOKS = ['a', 'b', 'c', 'pool'];
const SYMBOLS = ['AAA', 'BBB', 'CCC'];
const qty = fc.oneof(
  fc.integer({ min: 1, max: 500 }).map(String),
  fc.integer({ min: 1, max: 5_000_000 }).map((n) => new D(n).div(10_000).toFixed()),
);
const day = fc.record({
  lines: fc.array(
    fc.record({
      bookId: fc.constantFrom(...BOOKS),
      symbol: fc.constantFrom(...SYMBOLS),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      qty,
    }),
    { maxLength: 12 },
  ),
  cash: fc.record(
    Object.fromEntries(BOOKS.map((b) => [b, fc.integer({ min: 0, max: 100_000 }).map(String)])),
  ),
  bps: fc.integer({ min: 0, max: 200 }),
});
const PRICES = { AAA: '12.34', BBB: '0.5678', CCC: '301' };

/** Net shares the account trades per symbol (buys − sells) over some lines. */
const netOf = (lines: readonly NettableLine[]) => {
  const out: Record<string, string> = {};
  for (const s of SYMBOLS) {
    const n = lines
      .filter((l) => l.symbol === s)
      .reduce((t, l) => (l.side === 'buy' ? t.plus(l.qty) : t.minus(l.qty)), new D(0));
    out[s] = n.toFixed();
  }
  return out;
};

describe('netting properties', () => {
  it('conserves the account’s net order per symbol and respects lines, cash and whole shares', () => {
    fc.assert(
      fc.property(day, ({ lines, cash, bps }) => {
        const crosses = crossOrders({ lines, prices: PRICES, cash, buyCashBufferBps: bps });
        const after = BOOKS.flatMap((b) =>
          netLines(
            b,
            lines.filter((l) => l.bookId === b),
            crosses,
          ),
        );
        expect(netOf(after)).toEqual(netOf(lines));
        for (const c of crosses) {
          expect(c.seller).not.toBe(c.buyer);
          expect(new D(c.qty).gt(0)).toBe(true);
          expect(c.amount).toBe(new D(c.qty).times(c.price).toFixed());
        }
        const buffer = new D(1).minus(new D(bps).div(10_000));
        /** What a book could pay: its cash and its planned sells at the prices, less the buffer. */
        const means = (b: string) =>
          lines
            .filter((l) => l.bookId === b && l.side === 'sell')
            .reduce((t, l) => t.plus(new D(l.qty).times(PRICES[l.symbol as 'AAA'])), new D(cash[b] ?? '0'))
            .times(buffer);
        const paidBy = (b: string) =>
          crosses.filter((c) => c.buyer === b).reduce((t, c) => t.plus(c.amount), new D(0));
        for (const b of BOOKS) {
          expect(paidBy(b).lte(means(b))).toBe(true);
          for (const s of SYMBOLS) {
            for (const side of ['buy', 'sell'] as const) {
              const planned = lines
                .filter((l) => l.bookId === b && l.symbol === s && l.side === side)
                .reduce((t, l) => t.plus(l.qty), new D(0));
              const crossed = crosses
                .filter((c) => c.symbol === s && (side === 'sell' ? c.seller : c.buyer) === b)
                .reduce((t, c) => t.plus(c.qty), new D(0));
              expect(crossed.lte(planned)).toBe(true);
              const whole = lines.find((l) => l.bookId === b && l.symbol === s && l.side === side);
              if (whole && new D(whole.qty).isInteger()) expect(crossed.isInteger()).toBe(true);
            }
          }
        }
        // What is left trades a symbol both ways only where cash or whole shares stopped the cross.
        for (const s of SYMBOLS) {
          const sells = after.filter((l) => l.symbol === s && l.side === 'sell');
          const buys = after.filter((l) => l.symbol === s && l.side === 'buy');
          for (const sell of sells) {
            for (const buy of buys) {
              if (sell.bookId === buy.bookId) continue;
              const oneMore = D.min(new D(sell.qty), new D(buy.qty), 1).times(PRICES[s as 'AAA']);
              const wholeStop = !new D(sell.qty).isInteger() || !new D(buy.qty).isInteger();
              expect(means(buy.bookId).minus(paidBy(buy.bookId)).lt(oneMore) || wholeStop).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
