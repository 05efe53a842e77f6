import { describe, expect, it } from 'vitest';
import { computeMetrics, SESSIONS_PER_YEAR } from './metrics.ts';
import { dailyReturns, drawdownSeries, growthIndex, monthlyReturns } from './returns.ts';
import type { Metrics, Series } from './types.ts';

const DAYS = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09'];
/** A series on consecutive sessions of {@link DAYS}, from `start`. */
const series = (values: readonly (number | string)[], start = 0): Series =>
  values.map((v, i) => [DAYS[start + i]!, String(v)] as const);
const ANNUAL = Math.sqrt(SESSIONS_PER_YEAR);

/** Every metric is a finite number or null: what JSON can carry without loss. */
const expectJsonSafe = (m: Metrics) => {
  for (const [k, v] of Object.entries(m)) {
    if (v === null || typeof v === 'string') continue;
    expect(Number.isFinite(v), k).toBe(true);
  }
  expect(JSON.parse(JSON.stringify(m))).toEqual(m);
};

describe('computeMetrics', () => {
  it('a flat series: no return, no risk, and the ratios of a zero risk are null', () => {
    // Arrange / Act
    const m = computeMetrics({ equity: series([100, 100, 100]) });
    // Assert
    expect(m).toEqual({
      totalReturn: 0,
      cagr: 0,
      volatility: 0,
      sharpe: null,
      sortino: null,
      maxDrawdown: 0,
      maxDrawdownPeak: null,
      maxDrawdownTrough: null,
      calmar: null,
      turnover: 0,
      orders: 0,
      fees: 0,
      bestDay: 0,
      worstDay: 0,
      beta: null,
      correlation: null,
    });
    expectJsonSafe(m);
  });

  it('one drawdown, computed by hand: r = 1/5, −1/4, 1/5, 1/6', () => {
    // Arrange: 100 → 120 → 90 → 108 → 126; 150 traded on two sessions, 3 orders, 1.25 of fees
    const equity = series([100, 120, 90, 108, 126]);
    const traded = series([100, 0, 50], 1);
    // Act
    const m = computeMetrics({ equity, traded, orders: 3, fees: '1.25' });
    // Assert: mean r = 19/240; Σ(r − mean)² = 8364/57600; mean(min(r,0)²) = (1/16)/4 = 1/64
    const sd = Math.sqrt(8364 / 57600 / 3);
    const cagr = 1.26 ** (252 / 4) - 1;
    expect(m.totalReturn).toBeCloseTo(0.26, 14);
    expect(m.cagr).toBeCloseTo(cagr, 6);
    expect(m.volatility).toBeCloseTo(sd * ANNUAL, 12);
    expect(m.sharpe).toBeCloseTo((19 / 240 / sd) * ANNUAL, 12);
    expect(m.sortino).toBeCloseTo((19 / 30) * ANNUAL, 12);
    expect(m.maxDrawdown).toBeCloseTo(0.25, 14);
    expect(m.maxDrawdownPeak).toBe(DAYS[1]);
    expect(m.maxDrawdownTrough).toBe(DAYS[2]);
    expect(m.calmar! / (cagr / 0.25)).toBeCloseTo(1, 12);
    // Σ|traded| / mean NAV, annualized over the 5 sessions: 150 / (544/5) · 252/5
    expect(m.turnover).toBeCloseTo((150 / (544 / 5)) * (252 / 5), 10);
    expect(m.orders).toBe(3);
    expect(m.fees).toBe(1.25);
    expect(m.bestDay).toBeCloseTo(0.2, 14);
    expect(m.worstDay).toBeCloseTo(-0.25, 14);
    expectJsonSafe(m);
  });

  it('a strategy that starts late: its metrics cover its own sessions, leading unfunded points left out', () => {
    // Arrange: the account runs from DAYS[0]; the strategy's book is funded on DAYS[2]
    const late = series([100, 110, 99], 2);
    const withZeros = series([0, 0, 100, 110, 99]);
    // Act
    const a = computeMetrics({ equity: late });
    const b = computeMetrics({ equity: withZeros });
    // Assert
    expect(a).toEqual(b);
    expect(a.totalReturn).toBeCloseTo(-0.01, 14);
    expect(a.bestDay).toBeCloseTo(0.1, 14);
    expect(a.worstDay).toBeCloseTo(-0.1, 14);
    expect(a.maxDrawdownPeak).toBe(DAYS[3]);
    expect(a.maxDrawdownTrough).toBe(DAYS[4]);
    expect(a.cagr).toBeCloseTo(0.99 ** (252 / 2) - 1, 12);
  });

  it('a single point: defined metrics are 0, undefined ones null, nothing NaN or infinite', () => {
    // Arrange / Act
    const m = computeMetrics({ equity: series([100]), traded: series([100]) });
    // Assert
    expect(m).toMatchObject({
      totalReturn: 0,
      cagr: null,
      volatility: null,
      sharpe: null,
      sortino: null,
      maxDrawdown: 0,
      calmar: null,
      bestDay: null,
      worstDay: null,
    });
    expect(m.turnover).toBeCloseTo(252, 12);
    expectJsonSafe(m);
    expectJsonSafe(computeMetrics({ equity: [] }));
    expectJsonSafe(computeMetrics({ equity: series([0, 0]) }));
  });

  it('flows are not returns: money moved in by a transfer does not count as a gain', () => {
    // Arrange: +10 %, then 100 moved in and +0 % on the day
    const m = computeMetrics({ equity: series([100, 110, 210]), flows: series(['100'], 2) });
    // Assert
    expect(dailyReturns(series([100, 110, 210]), series(['100'], 2)).map((x) => x.r)).toEqual([0.1, 0]);
    expect(m.totalReturn).toBeCloseTo(0.1, 14);
    expect(m.worstDay).toBe(0);
  });

  it('beta and correlation against the benchmark, on the sessions both have', () => {
    // Arrange: the account moves twice as much as the benchmark, every session
    const bench = series([10, 11, 10.45, 11.495]);
    const account = series([100, 120, 108, 129.6]);
    // Act
    const m = computeMetrics({ equity: account }, { benchmark: bench });
    // Assert
    expect(m.beta).toBeCloseTo(2, 12);
    expect(m.correlation).toBeCloseTo(1, 12);
    // A benchmark that never moves has no variance: both undefined.
    const flat = computeMetrics({ equity: account }, { benchmark: series([10, 10, 10, 10]) });
    expect(flat.beta).toBeNull();
    expect(flat.correlation).toBeNull();
  });
});

describe('growth index, drawdown, monthly returns', () => {
  it('compound the daily returns', () => {
    // Arrange
    const equity = series([100, 120, 90, 108, 126]);
    // Act
    const index = growthIndex(equity);
    // Assert
    expect(index.map(([, v]) => v)).toEqual([1, 1.2, 0.9, 1.08, 1.26].map((v) => expect.closeTo(v, 12)));
    expect(drawdownSeries(index).map(([, v]) => v)).toEqual(
      [0, 0, 0.25, 0.1, 0].map((v) => expect.closeTo(v, 12)),
    );
  });

  it('monthly returns compound the sessions of each calendar month', () => {
    // Arrange: two sessions in January, two in February
    const equity: Series = [
      ['2024-01-30', '100'],
      ['2024-01-31', '110'],
      ['2024-02-01', '121'],
      ['2024-02-02', '108.9'],
    ];
    // Act
    const months = monthlyReturns(equity);
    // Assert: January +10 %; February: +10 % then −10 % = −1 %
    expect(months).toEqual([
      ['2024-01', expect.closeTo(0.1, 12)],
      ['2024-02', expect.closeTo(-0.01, 12)],
    ]);
  });
});
