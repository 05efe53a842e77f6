import { describe, expect, it } from 'vitest';
import { PriceInvalidError } from '../books/errors.ts';
import type { BookState } from '../books/types.ts';
import { PlanInputInvalidError } from './errors.ts';
import { planRebalance } from './plan.ts';
import { parsePlannerSettings } from './settings.ts';
import type { AssetFacts } from './types.ts';

const frac: AssetFacts = { fractionable: true, tradable: true };
const whole: AssetFacts = { fractionable: false, tradable: true };
const assets = { SPY: frac, TLT: frac, QQQ: frac, BRK: whole, HALT: { fractionable: true, tradable: false } };
const threshold = parsePlannerSettings({ rebalance: { kind: 'threshold', threshold: '0.05' } });
const daily = parsePlannerSettings({});
const book = (cash: string, positions: BookState['positions'] = []): BookState => ({
  bookId: 'strategy#alpha',
  cash,
  positions,
});

describe('planRebalance', () => {
  it('funds an empty book: buys to target, fractional to 9 decimals', () => {
    // Arrange
    const input = {
      book: book('10000'),
      targets: { SPY: '0.6', TLT: '0.4' },
      prices: { SPY: '300', TLT: '90' },
      assets,
      settings: threshold,
    };
    // Act
    const plan = planRebalance(input);
    // Assert
    expect(plan.action).toBe('rebalance');
    expect(plan.trigger).toBe('initial-funding');
    expect(plan.lines.map((l) => [l.symbol, l.side, l.qty, l.notional])).toEqual([
      ['SPY', 'buy', '20', '6000'],
      ['TLT', 'buy', '44.444444444', '3999.99999996'],
    ]);
    expect(plan.lines[0]?.reason).toBe('initial-funding: buy SPY from 0.00% to target 60.00%');
  });

  it('holds inside the corridor with an explicit all-hold plan', () => {
    // Arrange: SPY 62 %, TLT 38 % against 60/40 ± 5
    const b = book('0', [
      { symbol: 'SPY', qty: '62', costBasis: '6000' },
      { symbol: 'TLT', qty: '38', costBasis: '4000' },
    ]);
    // Act
    const plan = planRebalance({
      book: b,
      targets: { SPY: '0.6', TLT: '0.4' },
      prices: { SPY: '100', TLT: '100' },
      assets,
      settings: threshold,
    });
    // Assert
    expect(plan).toMatchObject({ action: 'hold', trigger: 'within-band', lines: [] });
    expect(plan.reason).toBe('hold: every weight within ±5.00% of target');
    expect(plan.drift.map((r) => [r.symbol, r.deviation, r.outside])).toEqual([
      ['SPY', '0.02', false],
      ['TLT', '-0.02', false],
    ]);
  });

  it('rebalances every holding when one leaves its band (sells first)', () => {
    // Arrange: SPY 66 % against 60 ± 5
    const b = book('0', [
      { symbol: 'SPY', qty: '66', costBasis: '6000' },
      { symbol: 'TLT', qty: '34', costBasis: '4000' },
    ]);
    // Act
    const plan = planRebalance({
      book: b,
      targets: { SPY: '0.6', TLT: '0.4' },
      prices: { SPY: '100', TLT: '100' },
      assets,
      settings: threshold,
    });
    // Assert
    expect(plan.trigger).toBe('band-breach');
    expect(plan.lines.map((l) => [l.side, l.symbol, l.qty])).toEqual([
      ['sell', 'SPY', '6'],
      ['buy', 'TLT', '6'],
    ]);
  });

  it('rebalances on a selection change even inside the corridor, exiting the exact held qty', () => {
    // Arrange: TLT leaves, QQQ enters with a 1 % weight (NAV 990.6234567)
    const b = book('0.5', [
      { symbol: 'SPY', qty: '9.9', costBasis: '990' },
      { symbol: 'TLT', qty: '0.001234567', costBasis: '0.1' },
    ]);
    // Act
    const plan = planRebalance({
      book: b,
      targets: { SPY: '0.99', QQQ: '0.01' },
      prices: { SPY: '100', TLT: '100', QQQ: '100' },
      assets,
      settings: threshold,
    });
    // Assert
    expect(plan.trigger).toBe('selection-change');
    expect(plan.reason).toBe('rebalance: selection changed: entering QQQ; leaving TLT');
    expect(plan.lines.map((l) => [l.side, l.symbol, l.qty])).toEqual([
      ['sell', 'SPY', '0.092827779'],
      ['sell', 'TLT', '0.001234567'],
      ['buy', 'QQQ', '0.099062345'],
    ]);
  });

  it('buys whole shares of a non-fractionable asset (rounded down)', () => {
    // Arrange
    const input = {
      book: book('1000'),
      targets: { BRK: '0.5', SPY: '0.5' },
      prices: { BRK: '300', SPY: '100' },
      assets,
      settings: daily,
    };
    // Act
    const plan = planRebalance(input);
    // Assert: 500 / 300 = 1.67 → 1 whole share
    expect(plan.lines.map((l) => [l.symbol, l.qty])).toEqual([
      ['BRK', '1'],
      ['SPY', '5'],
    ]);
  });

  it('drops trades under the minimum notional, keeping them as skipped', () => {
    // Arrange: daily rebalance with 3 $ of drift
    const b = book('0', [
      { symbol: 'SPY', qty: '50.03', costBasis: '5000' },
      { symbol: 'TLT', qty: '49.97', costBasis: '5000' },
    ]);
    // Act
    const plan = planRebalance({
      book: b,
      targets: { SPY: '0.5', TLT: '0.5' },
      prices: { SPY: '100', TLT: '100' },
      assets,
      settings: daily,
    });
    // Assert
    expect(plan.action).toBe('hold');
    expect(plan.trigger).toBe('scheduled');
    expect(plan.skipped.map((s) => [s.side, s.symbol, s.reason])).toEqual([
      ['sell', 'SPY', 'scheduled: below the minimum notional $5'],
      ['buy', 'TLT', 'scheduled: no cash available'],
    ]);
  });

  it('never trades a non-tradable asset', () => {
    // Arrange
    const input = {
      book: book('100'),
      targets: { HALT: '0.5', SPY: '0.5' },
      prices: { HALT: '10', SPY: '10' },
      assets,
      settings: daily,
    };
    // Act
    const plan = planRebalance(input);
    // Assert
    expect(plan.lines.map((l) => l.symbol)).toEqual(['SPY']);
    expect(plan.skipped[0]?.reason).toBe('initial-funding: not tradable');
  });

  it('keeps the cash buffer out of the buys', () => {
    // Arrange
    const settings = parsePlannerSettings({ cashBuffer: '0.02' });
    // Act
    const plan = planRebalance({
      book: book('1000'),
      targets: { SPY: '1' },
      prices: { SPY: '10' },
      assets,
      settings,
    });
    // Assert
    expect(plan.lines[0]?.qty).toBe('98');
  });

  it.each([
    ['missing', {}],
    ['zero', { SPY: '0', TLT: '1' }],
    ['negative', { SPY: '-5', TLT: '1' }],
  ])('fails with no plan on a %s price of a held symbol', (_, prices) => {
    // Arrange
    const b = book('0', [{ symbol: 'SPY', qty: '1', costBasis: '1' }]);
    // Act
    const act = () => planRebalance({ book: b, targets: { TLT: '1' }, prices, assets, settings: daily });
    // Assert
    expect(act).toThrow(PriceInvalidError);
  });

  it('rejects weights that do not sum to 1 and unknown assets', () => {
    // Arrange
    const base = { book: book('100'), prices: { SPY: '1', ZZZ: '1' }, assets, settings: daily };
    // Act / Assert
    expect(() => planRebalance({ ...base, targets: { SPY: '0.9' } })).toThrow(PlanInputInvalidError);
    expect(() => planRebalance({ ...base, targets: { ZZZ: '1' } })).toThrow(/no asset facts for ZZZ/);
  });

  it('follows the frequency schedule: weekly is due once per ISO week', () => {
    // Arrange
    const settings = parsePlannerSettings({ rebalance: { kind: 'frequency', frequency: 'weekly' } });
    const b = book('0', [
      { symbol: 'SPY', qty: '70', costBasis: '1' },
      { symbol: 'TLT', qty: '30', costBasis: '1' },
    ]);
    const base = {
      book: b,
      targets: { SPY: '0.5', TLT: '0.5' },
      prices: { SPY: '1', TLT: '1' },
      assets,
      settings,
    };
    // Act
    const sameWeek = planRebalance({
      ...base,
      schedule: { asOf: '2024-06-14', lastRebalancedOn: '2024-06-10' },
    });
    const nextWeek = planRebalance({
      ...base,
      schedule: { asOf: '2024-06-17', lastRebalancedOn: '2024-06-14' },
    });
    // Assert
    expect(sameWeek.trigger).toBe('not-due');
    expect(nextWeek.trigger).toBe('scheduled');
    expect(() => planRebalance(base)).toThrow(PlanInputInvalidError);
  });
});
