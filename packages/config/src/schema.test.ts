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

describe('AccountConfig', () => {
  it('accepts a decimal string, a policy, an optional drift band and simulated fills', () => {
    // Arrange
    const account = {
      startingCash: '100000.50',
      capitalPolicy: 'equal',
      driftBand: 0.1,
      simulatedFills: { slippageBps: 5, feeBps: 1.5 },
    };

    // Act
    const parsed = AccountConfig.parse(account);

    // Assert
    expect(parsed).toEqual(account);
  });

  it.each([
    ['a number for startingCash', { startingCash: 100000 }],
    ['a zero startingCash', { startingCash: '0.00' }],
    ['a negative startingCash', { startingCash: '-5' }],
    ['an unknown capital policy', { capitalPolicy: 'weighted' }],
    ['a drift band of 1', { driftBand: 1 }],
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
