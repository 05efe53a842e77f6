import { describe, expect, it } from 'vitest';
import { AccountConfig, EnsembleConfig, StrategyConfig } from './schema.ts';

describe('StrategyConfig', () => {
  it('defaults enabled to true', () => {
    // Arrange
    const entry = { id: 'tqqq-ftlt', file: 'tqqq_ftlt.clj', allocation: 0.2, flow: 'per-book' };

    // Act
    const parsed = StrategyConfig.parse(entry);

    // Assert
    expect(parsed.enabled).toBe(true);
  });

  it.each([
    ['an id that is not a lowercase slug', { id: 'TQQQ FTLT' }],
    ['an allocation of 0', { allocation: 0 }],
    ['an allocation over 1', { allocation: 1.01 }],
    ['an unknown flow', { flow: 'both' }],
    ['an empty file', { file: '' }],
    ['a file that is not a strategy file', { file: '/etc/passwd' }],
    ['a misspelt key', { alocation: 0.2 }],
  ])('rejects %s', (_, change) => {
    // Arrange
    const entry = { id: 'tqqq-ftlt', file: 'tqqq_ftlt.clj', allocation: 0.2, flow: 'per-book', ...change };

    // Act
    const result = StrategyConfig.safeParse(entry);

    // Assert
    expect(result.success).toBe(false);
  });
});

describe('StrategyConfig: mode and shadow', () => {
  const entry = { id: 'kmlm', file: 'kmlm.clj', allocation: 0.2, flow: 'aggregated' };

  it('defaults mode to live with no shadow, and accepts a shadow in the other flow', () => {
    // Act
    const plain = StrategyConfig.parse(entry);
    const shadowed = StrategyConfig.parse({ ...entry, shadow: 'per-book' });
    const paper = StrategyConfig.parse({ ...entry, mode: 'shadow' });

    // Assert
    expect(plain).toMatchObject({ mode: 'live' });
    expect(plain.shadow).toBeUndefined();
    expect(shadowed).toMatchObject({ mode: 'live', shadow: 'per-book' });
    expect(paper).toMatchObject({ mode: 'shadow', flow: 'aggregated' });
  });

  it.each([
    [
      'a shadow in its own flow',
      { shadow: 'aggregated' },
      'shadow must be the other flow than flow (aggregated): per-book',
    ],
    [
      'a shadow on a mode: shadow strategy',
      { mode: 'shadow', shadow: 'per-book' },
      'a mode: shadow strategy is paper only: it has no second shadow (remove shadow)',
    ],
  ])('rejects %s, at the shadow key', (_, change, message) => {
    // Act
    const result = StrategyConfig.safeParse({ ...entry, ...change });

    // Assert
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['shadow', message]]);
  });

  it.each([
    ['an unknown mode', { mode: 'paper' }],
    ['an unknown shadow flow', { shadow: 'both' }],
  ])('rejects %s', (_, change) => {
    expect(StrategyConfig.safeParse({ ...entry, ...change }).success).toBe(false);
  });
});

describe('AccountConfig', () => {
  it('accepts a decimal string, a policy, an optional pool corridor, capital rebalancing and simulated fills', () => {
    // Arrange
    const account = {
      startingCash: '100000.50',
      capitalPolicy: 'equal',
      poolCorridor: 0.05,
      capitalRebalance: { band: 0.1 },
      simulatedFills: { slippageBps: 5, feeBps: 1.5 },
    };

    // Act
    const parsed = AccountConfig.parse(account);

    // Assert: the frequency defaults to weekly.
    expect(parsed).toEqual({ ...account, capitalRebalance: { band: 0.1, frequency: 'weekly' } });
  });

  it.each([
    ['a number for startingCash', { startingCash: 100000 }],
    ['a zero startingCash', { startingCash: '0.00' }],
    ['a negative startingCash', { startingCash: '-5' }],
    ['an unknown capital policy', { capitalPolicy: 'weighted' }],
    ['a pool corridor of 1', { poolCorridor: 1 }],
    ['a capital band of 0', { capitalRebalance: { band: 0 } }],
    ['an unknown capital rebalancing frequency', { capitalRebalance: { band: 0.1, frequency: 'hourly' } }],
    ['a misspelt capital rebalancing key', { capitalRebalance: { bnad: 0.1 } }],
    ['a misspelt key', { startingcash: '1' }],
    ['a negative slippage', { simulatedFills: { slippageBps: -1 } }],
    ['a fee of 100 %', { simulatedFills: { feeBps: 10_000 } }],
    ['an unknown fill setting', { simulatedFills: { commission: 1 } }],
  ])('rejects %s', (_, change) => {
    // Arrange
    const account = { startingCash: '100000', capitalPolicy: 'fixed', ...change };

    // Act
    const result = AccountConfig.safeParse(account);

    // Assert
    expect(result.success).toBe(false);
  });
});

describe('EnsembleConfig', () => {
  it('requires at least one strategy and no unknown top-level key', () => {
    // Arrange
    const account = { startingCash: '1', capitalPolicy: 'fixed' };

    // Act
    const empty = EnsembleConfig.safeParse({ account, strategies: [] });
    const extra = EnsembleConfig.safeParse({ account, strategies: [], broker: 'alpaca' });

    // Assert
    expect(empty.error?.issues.map((i) => i.message)).toEqual(['list at least one strategy']);
    expect(extra.error?.issues.map((i) => i.code).sort()).toEqual(['too_small', 'unrecognized_keys']);
  });
});
