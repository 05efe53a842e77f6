import { describe, expect, it } from 'vitest';
import { BrokerUnavailableError, MarketClosedError, SymbolBusyError } from './broker/errors.ts';
import {
  describeError,
  errorTraits,
  isEnsembleError,
  MissingDataError,
  outcomeOfError,
  SimulatedCrash,
  StrategySyntaxError,
} from './errors.ts';

describe('outcomeOfError', () => {
  it.each([
    ['MissingDataError', 'BLOCKED'],
    ['InsufficientDataError', 'BLOCKED'],
    ['MarketDataInvalidError', 'BLOCKED'],
    ['PriceInvalidError', 'BLOCKED'],
    ['MarketClosed', 'BLOCKED'],
    ['SnapshotNotFoundError', 'BLOCKED'],
    ['RailTripped', 'BLOCKED'],
    ['EvaluationError', 'FAILED'],
    ['StrategySemanticError', 'FAILED'],
    ['BrokerUnavailable', 'FAILED'],
    ['NoFillError', 'FAILED'],
    ['States.Timeout', 'FAILED'],
    ['SimulatedCrash', 'FAILED'],
    ['TypeError', 'FAILED'],
    ['killswitch', 'FAILED'],
  ])('%s → %s', (name, outcome) => expect(outcomeOfError(name)).toBe(outcome));
});

describe('EnsembleError traits', () => {
  it('come from the catalog, by name, on every instance', () => {
    // Arrange
    const unavailable = new BrokerUnavailableError('getClock', 'HTTP 503');
    const busy = new SymbolBusyError('SPY', 'open order');
    const closed = new MarketClosedError('holiday');
    const missing = new MissingDataError('SPY', '2025-11-28', 'no bars');
    const syntax = new StrategySyntaxError({ file: 'a.clj', line: 1, col: 2 }, 'unbalanced');
    // Assert
    expect([unavailable.retryable, unavailable.blocking]).toEqual([true, false]);
    expect([busy.retryable, busy.blocking]).toEqual([true, false]);
    expect([closed.retryable, closed.blocking]).toEqual([false, true]);
    expect([missing.retryable, missing.blocking]).toEqual([false, true]);
    expect([syntax.retryable, syntax.blocking]).toEqual([false, false]);
    expect(unavailable).toMatchObject({ name: 'BrokerUnavailable', retryable: true });
  });

  it('a simulated crash is an Ensemble error that is neither retried nor blocking', () => {
    const crash = new SimulatedCrash('after-submit', { clientOrderId: 'ens_x' });
    expect(crash.message).toBe('simulated crash at after-submit (ens_x)');
    expect([crash.retryable, crash.blocking]).toEqual([false, false]);
    expect(isEnsembleError(crash)).toBe(true);
  });

  it('is recognised by name across realms, and unknown names have no traits', () => {
    const foreign = Object.assign(new Error('x'), { name: 'LedgerContentionError' });
    expect(isEnsembleError(foreign)).toBe(true);
    expect(isEnsembleError(new TypeError('x'))).toBe(false);
    expect(errorTraits('TypeError')).toBeUndefined();
    expect(describeError('boom')).toEqual({ name: 'Error', message: 'boom' });
  });
});
