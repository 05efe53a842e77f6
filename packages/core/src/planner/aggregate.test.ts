import { describe, expect, it } from 'vitest';
import { dec } from '../decimal.ts';
import { mergeTargets, planPool } from './aggregate.ts';
import { PlanInputInvalidError } from './errors.ts';
import { parsePlannerSettings } from './settings.ts';

const assets = { SPY: { fractionable: true, tradable: true }, TLT: { fractionable: true, tradable: true } };
const settings = parsePlannerSettings({});

describe('mergeTargets', () => {
  it('scales each member by its pool share', () => {
    // Arrange / Act
    const merged = mergeTargets(
      { beta: '0.75', gamma: '0.25' },
      { beta: { SPY: '1' }, gamma: { SPY: '0.2', TLT: '0.8' } },
    );
    // Assert
    expect(merged).toEqual({ SPY: '0.8', TLT: '0.2' });
  });

  it('needs targets for every member and only for members', () => {
    // Arrange / Act / Assert
    expect(() => mergeTargets({ beta: '1' }, {})).toThrow(PlanInputInvalidError);
    expect(() => mergeTargets({ beta: '1' }, { beta: { SPY: '1' }, gamma: { SPY: '1' } })).toThrow(
      /outside the pool/,
    );
  });
});

describe('planPool', () => {
  it('plans the pool on merged weights and attributes each order by contribution', () => {
    // Arrange: pool 50/50 SPY/TLT, NAV 1000; beta (half) wants all SPY, gamma (half) all TLT → no trade;
    // then gamma switches to SPY as well
    const pool = {
      bookId: 'pool',
      cash: '0',
      positions: [
        { symbol: 'SPY', qty: '5', costBasis: '500' },
        { symbol: 'TLT', qty: '5', costBasis: '500' },
      ],
    };
    // Act
    const r = planPool({
      pool,
      shares: { beta: '0.5', gamma: '0.5' },
      targets: { beta: { SPY: '1' }, gamma: { SPY: '1' } },
      prices: { SPY: '100', TLT: '100' },
      assets,
      settings,
    });
    // Assert
    expect(r.plan.lines.map((l) => [l.side, l.symbol, l.qty])).toEqual([
      ['sell', 'TLT', '5'],
      ['buy', 'SPY', '5'],
    ]);
    expect(r.attributions.map((a) => a.contributions.map((c) => [c.strategyId, c.qty]))).toEqual([
      [
        ['beta', '2.5'],
        ['gamma', '2.5'],
      ],
      [
        ['beta', '2.5'],
        ['gamma', '2.5'],
      ],
    ]);
  });

  it('nets opposite wishes: a member wanting the other side gets a negative share', () => {
    // Arrange: pool all cash-less SPY; beta (0.8) wants TLT, gamma (0.2) wants SPY
    const pool = { bookId: 'pool', cash: '0', positions: [{ symbol: 'SPY', qty: '10', costBasis: '1000' }] };
    // Act
    const r = planPool({
      pool,
      shares: { beta: '0.8', gamma: '0.2' },
      targets: { beta: { TLT: '1' }, gamma: { SPY: '1' } },
      prices: { SPY: '100', TLT: '100' },
      assets,
      settings,
    });
    // Assert: pool sells 8 SPY, all of it beta's doing; gamma's contribution is 0
    const sell = r.attributions.find((a) => a.symbol === 'SPY')!;
    expect(sell.qty).toBe('8');
    expect(sell.contributions.map((c) => [c.strategyId, c.qty])).toEqual([
      ['beta', '8'],
      ['gamma', '0'],
    ]);
    for (const a of r.attributions) {
      expect(a.contributions.reduce((s, c) => s.plus(c.qty), dec('0')).toFixed()).toBe(a.qty);
    }
  });
});
