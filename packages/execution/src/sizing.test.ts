import { D } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { type BuyLine, sizeBuys } from './sizing.ts';

const buy = (symbol: string, qty: string, price: string): BuyLine => ({
  clientOrderId: `id-${symbol}`,
  symbol,
  qty,
  price: new D(price),
  reason: 'test',
});

describe('sizeBuys', () => {
  const assets = new Map([
    ['SPY', { fractionable: true, tradable: true }],
    ['BRK.B', { fractionable: false, tradable: true }],
  ]);

  it('keeps the plan when the cash covers it', () => {
    const r = sizeBuys([buy('SPY', '10', '500')], '5100', 50, assets);
    expect(r.buys.map((b) => b.qty)).toEqual(['10']);
    expect(r.factor).toBe('1');
  });

  it('scales every buy by one factor, rounding down (whole shares unless fractionable)', () => {
    // 5000 + 4500 planned, 4750 × (1 − 0.5%) = 4726.25 available → factor 0.4975
    const r = sizeBuys([buy('SPY', '10', '500'), buy('BRK.B', '10', '450')], '4750', 50, assets);
    expect(r.buys.map((b) => [b.symbol, b.qty])).toEqual([
      ['SPY', '4.975'],
      ['BRK.B', '4'],
    ]);
    const cost = r.buys.reduce((t, b) => t.plus(new D(b.qty).times(b.price)), new D(0));
    expect(cost.lte(4726.25)).toBe(true);
  });

  it('drops buys that round to nothing or under $1, and everything without cash', () => {
    const r = sizeBuys([buy('SPY', '1', '500'), buy('BRK.B', '1', '450')], '300', 0, assets);
    expect(r.buys.map((b) => b.symbol)).toEqual(['SPY']);
    expect(r.dropped.map((d) => d.line.symbol)).toEqual(['BRK.B']);
    expect(sizeBuys([buy('SPY', '1', '500')], '-5', 0, assets).buys).toEqual([]);
  });
});
