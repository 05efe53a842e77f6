/**
 * Cross-checks against the `trading-signals` package wherever it computes the same thing. Where its
 * definition differs from ours (RSI seeding), the test says how and compares only where the
 * difference has provably died out.
 */
import {
  EMA,
  getAverage,
  getMaxDrawdown,
  getReturns,
  getStandardDeviation,
  RMA,
  ROC,
  RSI,
  SMA,
} from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { expectSeriesClose, randomWalk } from '../testing/indicators.ts';
import { computeIndicator } from './index.ts';

const prices = randomWalk(20240601, 1000);

/** Feeds every price to a streaming indicator and collects its result after each (NaN while unstable). */
function stream(indicator: { add(x: number): unknown; getResult(): number | null }, xs: ArrayLike<number>) {
  return Float64Array.from(Array.from(xs), (x) => {
    indicator.add(x);
    return indicator.getResult() ?? NaN;
  });
}

/** `fn` applied to each trailing window of `n` values, NaN before the first full one. */
function perWindow(xs: Float64Array, n: number, fn: (window: number[]) => number): Float64Array {
  return Float64Array.from(xs, (_, t) => (t + 1 < n ? NaN : fn(Array.from(xs.subarray(t + 1 - n, t + 1)))));
}

describe('cross-check with trading-signals', () => {
  it.each([1, 5, 20, 200])('moving-average-price %i matches SMA', (n) => {
    // Arrange: SMA adds in order, we add pairwise → equal up to rounding
    const expected = stream(new SMA(n), prices);
    // Act
    const out = computeIndicator('moving-average-price', prices, n);
    // Assert
    expectSeriesClose(out, expected, 1e-12);
  });

  it.each([2, 5, 12, 50])('exponential-moving-average-price %i matches EMA from its first value', (n) => {
    // Arrange: EMA also uses α = 2/(n+1), seeds with the first price (`previous ?? price`) and reports
    // from the n-th price, so no warm-up is needed; it writes the step as p·α + y·(1−α) without
    // pandas' normalisation, which only changes the last bits
    const expected = stream(new EMA(n), prices);
    // Act
    const out = computeIndicator('exponential-moving-average-price', prices, n);
    // Assert
    expectSeriesClose(out, expected, 1e-12);
  });

  it.each([2, 5, 14])('rsi %i matches RSI smoothed by RMA when fed the same zero first delta', (n) => {
    // Arrange: RSI(n, RMA) smooths with α = 1/n seeded with its first delta. Repeating the first
    // price makes that first delta 0 — our convention — so both run the same recursion. It reports
    // after n deltas (one bar before our n + 1 closes) and shifts indices by the repeated price.
    const fed = stream(new RSI(n, RMA), [prices[0]!, ...prices]).subarray(1);
    const expected = fed.map((v, t) => (t < n ? NaN : v));
    // Act
    const out = computeIndicator('rsi', prices, n);
    // Assert: 1e-11 relative, i.e. within 1e-9 on the 0..100 scale
    expectSeriesClose(out, expected, 1e-11);
  });

  it.each([5, 14])('rsi %i converges to Wilder’s RSI (SMA-seeded) once the seed has died out', (n) => {
    // Arrange: trading-signals' default RSI (WSMA smoothing) seeds the averages with the simple mean
    // of the first n deltas and has no zero first delta; ours seeds them with 0. Both then run
    // avg ← avg + (x − avg)/n, so the two differ by (1 − 1/n)^k after k bars: for n = 14,
    // (13/14)^400 ≈ 1.4e-13. Compare from bar 400 on; before that they genuinely differ.
    const wilder = stream(new RSI(n), prices);
    const from = 400;
    // Act
    const out = computeIndicator('rsi', prices, n);
    // Assert
    expect(Math.abs(out[n]! - wilder[n]!)).toBeGreaterThan(1e-6);
    expectSeriesClose(out.subarray(from), wilder.subarray(from), 1e-11);
  });

  it.each([1, 10, 60])('cumulative-return %i matches ROC × 100', (n) => {
    // Arrange: ROC is (p − p₋ₙ)/p₋ₙ, ours (p/p₋ₙ − 1)·100 → equal up to rounding
    const expected = stream(new ROC(n), prices).map((v) => v * 100);
    // Act
    const out = computeIndicator('cumulative-return', prices, n);
    // Assert
    expectSeriesClose(out, expected, 1e-12);
  });

  it.each([3, 20])('moving-average-return %i matches the average of getReturns', (n) => {
    // Arrange: getReturns gives ((new − old)/old)·100 per day
    const expected = perWindow(prices, n + 1, (w) => getAverage(getReturns(w)));
    // Act
    const out = computeIndicator('moving-average-return', prices, n);
    // Assert
    expectSeriesClose(out, expected, 1e-12);
  });

  it.each([3, 20])('stdev-return %i matches getStandardDeviation (population) of getReturns', (n) => {
    // Arrange
    const expected = perWindow(prices, n + 1, (w) => getStandardDeviation(getReturns(w)));
    // Act
    const out = computeIndicator('stdev-return', prices, n);
    // Assert
    expectSeriesClose(out, expected, 1e-12);
  });

  it.each([2, 20])('stdev-price %i matches getStandardDeviation rescaled to ddof 1', (n) => {
    // Arrange: getStandardDeviation divides by n; the sample deviation divides by n − 1
    const expected = perWindow(prices, n, (w) => getStandardDeviation(w) * Math.sqrt(n / (n - 1)));
    // Act
    const out = computeIndicator('stdev-price', prices, n);
    // Assert
    expectSeriesClose(out, expected, 1e-12);
  });

  it.each([2, 20, 120])('max-drawdown %i matches getMaxDrawdown of each window', (n) => {
    // Arrange: getMaxDrawdown computes ((peak − value)/peak)·100, ours (1 − value/peak)·100
    const expected = perWindow(prices, n, (w) => getMaxDrawdown(w));
    // Act
    const out = computeIndicator('max-drawdown', prices, n);
    // Assert
    expectSeriesClose(out, expected, 1e-12);
  });
});
