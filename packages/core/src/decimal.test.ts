import { describe, expect, it } from 'vitest';
import { D, dec, str, sum } from './decimal.ts';

describe('dec', () => {
  it('parses a text once and answers the same text with the same (immutable) Decimal', () => {
    // Arrange
    const text = ['12.345', '678'].join('00');
    // Act
    const first = dec(text);
    const again = dec(`${text}`);
    const sumOf = first.plus(again);
    // Assert
    expect(again).toBe(first);
    expect(str(first)).toBe('12.34500678');
    // Arithmetic on the shared Decimal leaves it as it was.
    expect(str(sumOf)).toBe('24.69001356');
    expect(str(dec(text))).toBe('12.34500678');
    expect(str(first.neg())).toBe('-12.34500678');
    expect(str(dec(text))).toBe('12.34500678');
  });

  it('copies a Decimal it is given, and refuses a malformed text on every call', () => {
    // Arrange
    const d = new D('1.5');
    // Act / Assert
    expect(dec(d)).not.toBe(d);
    expect(dec(d).eq(d)).toBe(true);
    expect(() => dec('1,5')).toThrow();
    expect(() => dec('1,5')).toThrow();
  });

  it('sums decimal strings and Decimals alike', () => {
    expect(str(sum(['0.1', new D('0.2'), '0.3', '0.1']))).toBe('0.7');
  });
});
