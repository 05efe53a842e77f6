/**
 * The public evaluation API on hand-made series: typed errors, the weights output, as-of dates that are not
 * sessions, evaluateRange against evaluate, and the trace (including its size on a real corpus file).
 */
import { readFileSync } from 'node:fs';
import { createBundledMarketData } from '@ensemble/market-data';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { analyzeStrategy } from '../dsl/analyze.ts';
import type { Strategy } from '../dsl/ast.ts';
import { parseStrategy } from '../dsl/parse.ts';
import { type EnsembleError, EvaluationError, InsufficientDataError, MissingDataError } from '../errors.ts';
import { createStrategyEvaluator, type EvaluationResult } from './evaluate.ts';
import { PriceHistory } from './price-history.ts';
import type { TraceNode } from './trace.ts';
import { toWeightStrings } from './weights.ts';

type FilterTrace = Extract<TraceNode, { filter: string }>;
type IfTrace = Extract<TraceNode, { if: string }>;

const DAY0 = Date.UTC(2024, 0, 1);
/** Session k of the synthetic calendar: 2024-01-01 + k days. */
const dateOf = (k: number): string => new Date(DAY0 + k * 86_400_000).toISOString().slice(0, 10);

/** A snapshot from closes per symbol, one entry per session k (NaN: no bar that session). */
function prices(closes: Record<string, readonly number[]>): PriceHistory {
  return PriceHistory.fromSeries(
    Object.entries(closes).map(([symbol, cs]) => {
      const ks = cs.map((_, k) => k).filter((k) => !Number.isNaN(cs[k]!));
      return { symbol, dates: ks.map(dateOf), closes: Float64Array.from(ks, (k) => cs[k]!) };
    }),
  );
}

/** A strategy whose body starts on line 2, column 2 of `t.clj`. */
const strategy = (body: string): Strategy => parseStrategy(`(defsymphony "t" {}\n ${body})`, 't.clj');

function run(body: string, history: PriceHistory, k = history.length - 1): EvaluationResult {
  return createStrategyEvaluator(strategy(body), history).evaluate(dateOf(k), { trace: true });
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

/** Decimals whose sums are exact (the default precision, 20 digits, would round them). */
const Exact = Decimal.clone({ precision: 1e9 });
const sum = (ws: Record<string, string>): Decimal =>
  Object.values(ws).reduce((a, w) => a.plus(new Exact(w)), new Exact(0));

describe('evaluation errors', () => {
  // A: 3 sessions; B starts trading on session 3; C's last bar is session 1.
  const h = prices({
    A: [100, 101, 102, 103, 104],
    B: [Number.NaN, Number.NaN, Number.NaN, 50, 51],
    C: [10, 11, Number.NaN, Number.NaN, Number.NaN],
  });

  it('insufficient history outside a filter is an InsufficientDataError with symbol, indicator, needed, available', () => {
    // Arrange: rsi 5 needs 6 bars; A has 3 by session 2
    const body = '(if (> (rsi "A" {:window 5}) 50) [(asset "A")] [(asset "B")])';
    // Act
    const e = thrown(() => run(body, h, 2));
    // Assert
    expect(e).toBeInstanceOf(InsufficientDataError);
    expect(e).toMatchObject({ symbol: 'A', indicator: 'rsi(5)', needed: 6, available: 3, asOf: dateOf(2) });
  });

  it('counts the bars of a symbol that started trading late from its first bar', () => {
    // Arrange: cumulative-return 3 needs 4 bars; B has 2 by session 4, none by session 1
    const body = '(if (> (cumulative-return "B" {:window 3}) 0) [(asset "A")] [(asset "B")])';
    // Act
    const late = thrown(() => run(body, h, 4));
    const before = thrown(() => run(body, h, 1));
    // Assert
    expect(late).toBeInstanceOf(InsufficientDataError);
    expect(late).toMatchObject({ symbol: 'B', indicator: 'cumulative-return(3)', needed: 4, available: 2 });
    expect(before).toMatchObject({ name: 'InsufficientDataError', symbol: 'B', available: 0 });
  });

  it('a symbol whose data ended before the as-of date is a MissingDataError (asset and indicator)', () => {
    // Act
    const held = thrown(() => run('(weight-equal [(asset "A") (asset "C")])', h, 4));
    const read = thrown(() => run('(if (> (current-price "C") 1) [(asset "A")] [(asset "B")])', h, 4));
    // Assert
    for (const e of [held, read]) {
      expect(e).toBeInstanceOf(MissingDataError);
      expect(e).toMatchObject({ symbol: 'C', asOf: dateOf(4) });
      expect((e as Error).message).toContain(`last bar ${dateOf(1)}`);
    }
  });

  it('a symbol with no data at all is a MissingDataError', () => {
    // Act
    const e = thrown(() => run('(if (> (current-price "NOPE") 1) [(asset "A")] [(asset "B")])', h));
    // Assert
    expect(e).toBeInstanceOf(MissingDataError);
    expect(e).toMatchObject({ symbol: 'NOPE' });
  });
});

describe('weights output', () => {
  const h = prices(Object.fromEntries(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((s) => [s, [100, 100]])));

  it('is decimal strings summing to exactly 1 with at least 12 significant digits', () => {
    // Arrange: 1/3 each, and 1/7·k weights (weight-specified 1…7 → k/28)
    const bodies = [
      '(weight-equal [(asset "A") (asset "B") (asset "C")])',
      '(weight-specified 1 (asset "A") 2 (asset "B") 3 (asset "C") 4 (asset "D") 5 (asset "E") 6 (asset "F") 7 (asset "G"))',
    ];
    for (const body of bodies) {
      // Act
      const { weights } = run(body, h);
      // Assert
      expect(sum(weights).eq(1)).toBe(true);
      for (const w of Object.values(weights)) {
        expect(w).toMatch(/^0\.\d+$/);
        expect(new Decimal(w).sd()).toBeGreaterThanOrEqual(12);
      }
    }
    // the rounding remainder goes to the largest weight (the first of equals)
    expect(run(bodies[0]!, h).weights).toEqual({
      A: '0.333333333333334',
      B: '0.333333333333333',
      C: '0.333333333333333',
    });
  });

  it('lists symbols ascending and drops zero weights', () => {
    // Act
    const { weights } = run('(weight-specified 0 (asset "A") 1 (asset "C") 1 (asset "B"))', h);
    // Assert
    expect(Object.keys(weights)).toEqual(['B', 'C']);
    expect(weights).toEqual({ B: '0.5', C: '0.5' });
  });
});

describe('as-of dates', () => {
  // Sessions Friday 2024-01-05 and Monday 2024-01-08 only.
  const h = PriceHistory.fromSeries([
    { symbol: 'A', dates: ['2024-01-05', '2024-01-08'], closes: Float64Array.of(100, 200) },
    { symbol: 'B', dates: ['2024-01-05', '2024-01-08'], closes: Float64Array.of(50, 50) },
  ]);
  const s = strategy('(if (> (current-price "A") 150) [(asset "A")] [(asset "B")])');

  it('a non-session date uses the last session on or before it', () => {
    // Act
    const got = createStrategyEvaluator(s, h).evaluate('2024-01-07');
    // Assert: Friday's close 100 ≤ 150 → B; Monday's 200 is not seen
    expect(got).toMatchObject({ asOf: '2024-01-07', session: '2024-01-05', weights: { B: '1' } });
    expect(createStrategyEvaluator(s, h).evaluate('2024-02-01')).toMatchObject({
      session: '2024-01-08',
      weights: { A: '1' },
    });
  });

  it('a date before all data is a MissingDataError', () => {
    // Act
    const e = thrown(() => createStrategyEvaluator(s, h).evaluate('2024-01-04'));
    // Assert
    expect(e).toBeInstanceOf(MissingDataError);
  });
});

describe('evaluateRange', () => {
  // 60 sessions of four wavy, deterministic series.
  const N = 60;
  const wave = (a: number, b: number, c: number) => {
    let p = 100;
    return Array.from({ length: N }, (_, k) => (p *= 1 + a * Math.sin(k * b + c)));
  };
  const h = prices({
    S1: wave(0.03, 0.7, 0.1),
    S2: wave(0.02, 1.3, 2),
    S3: wave(0.025, 0.45, 4),
    S4: wave(0.015, 2.1, 1),
  });
  const body = `(weight-equal [
    (filter (rsi {:window 5}) (select-top 1) [
      (group "a" [(if (> (current-price "S1") (moving-average-price "S1" {:window 3})) [(asset "S1")] [(asset "S2")])])
      (group "b" [(weight-equal [(asset "S3") (asset "S4")])])
      (asset "S4")])
    (filter (max-drawdown {:window 4}) (select-bottom 1) [
      (group "c" [(weight-inverse-volatility 3 [(asset "S1") (asset "S3")])])
      (group "d" [(if (< (cumulative-return "S2" {:window 2}) 0) [(asset "S2")])])])])`;

  it('equals evaluate on each date (same weights, same errors), whatever the order of evaluate calls', () => {
    // Arrange
    const s = strategy(body);
    const shared = createStrategyEvaluator(s, h);
    // Act
    const range = createStrategyEvaluator(s, h).evaluateRange(dateOf(0), dateOf(N - 1));
    // Assert
    expect(range.map((r) => r.session)).toEqual(Array.from({ length: N }, (_, k) => dateOf(k)));
    let withWeights = 0;
    for (let k = N - 1; k >= 0; k--) {
      const r = range[k]!;
      const once = (ev = createStrategyEvaluator(s, h)) => {
        try {
          return ev.evaluate(dateOf(k)).weights;
        } catch (e) {
          return (e as EnsembleError).message;
        }
      };
      const want = 'weights' in r ? toWeightStrings(r.weights) : r.error.message;
      expect(once(), dateOf(k)).toEqual(want);
      expect(once(shared), dateOf(k)).toEqual(want);
      if ('weights' in r) withWeights++;
    }
    expect(withWeights).toBeGreaterThan(50);
  });

  it('covers the sessions in [from, to] when the bounds are not sessions', () => {
    // Arrange: the calendar has no session on 2024-01-02 (from) or 2024-01-05 (to)
    const gaps = PriceHistory.fromSeries([
      {
        symbol: 'A',
        dates: ['2024-01-01', '2024-01-03', '2024-01-04', '2024-01-08'],
        closes: Float64Array.of(1, 2, 3, 4),
      },
    ]);
    // Act
    const range = createStrategyEvaluator(strategy('(asset "A")'), gaps).evaluateRange(
      '2024-01-02',
      '2024-01-05',
    );
    // Assert
    expect(range.map((r) => r.session)).toEqual(['2024-01-03', '2024-01-04']);
  });
});

describe('trace', () => {
  // A: MA2 = (100 + 110)/2 = 105, price 110; cumulative-return 1: A +10, B +5, C +20; L one bar.
  const h = prices({ A: [100, 110], B: [100, 105], C: [100, 120], L: [Number.NaN, 100] });

  it('shows both compared values of an if and the branch taken', () => {
    // Act
    const then = run(
      '(if (> (current-price "A") (moving-average-price "A" {:window 2})) [(asset "A")] [(asset "B")])',
      h,
    ).trace as IfTrace;
    const otherwise = run('(if (> (current-price "A") 120) [(asset "A")] [(asset "B")])', h).trace as IfTrace;
    // Assert
    expect(then).toEqual({
      if: 'current-price(A) > moving-average-price(A,2)',
      at: '2:2',
      left: 110,
      right: 105,
      took: 'then',
      of: { asset: 'A' },
    });
    expect(otherwise).toMatchObject({ left: 110, right: 120, took: 'else', of: { asset: 'B' } });
  });

  it('shows a filter ranking with scores, the kept candidates and the excluded ones', () => {
    // Act
    const trace = run(
      '(filter (cumulative-return {:window 1}) (select-top 2) [(asset "B") (asset "L") (asset "A") (asset "C")])',
      h,
    ).trace as FilterTrace;
    // Assert
    expect(trace).toMatchObject({ filter: 'cumulative-return(1) top 2', at: '2:2', kept: ['C', 'A'] });
    expect(trace.ranking).toEqual([
      { candidate: 'C', score: expect.closeTo(20, 9) },
      { candidate: 'A', score: expect.closeTo(10, 9) },
      { candidate: 'B', score: expect.closeTo(5, 9) },
    ]);
    expect(trace.excluded).toEqual([{ candidate: 'L', why: 'cumulative-return(1) needs 2 bars of price' }]);
  });

  it('stays below 64 KiB as JSON for ftl_starburst on the bundled data', async () => {
    // Arrange
    const file = new URL('../../../../test/fixtures/corpus/ftl_starburst.clj', import.meta.url);
    const s = parseStrategy(readFileSync(file, 'utf8'), 'ftl_starburst.clj');
    const data = createBundledMarketData();
    const known = new Set(await data.listSymbols());
    const bars = await data.loadBars({ symbols: analyzeStrategy(s).symbols.filter((x) => known.has(x)) });
    const history = PriceHistory.fromSeries(bars.values());
    // Act
    const result = createStrategyEvaluator(s, history).evaluate('2025-08-08', { trace: true });
    // Assert
    const bytes = Buffer.byteLength(JSON.stringify(result.trace), 'utf8');
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(64 * 1024);
    expect(sum(result.weights).eq(1)).toBe(true);
  });

  it('is produced only when asked for', () => {
    // Act / Assert
    const ev = createStrategyEvaluator(strategy('(asset "A")'), h);
    expect(ev.evaluate(dateOf(1)).trace).toBeUndefined();
    expect(ev.evaluate(dateOf(1), { trace: true }).trace).toEqual({ asset: 'A' });
  });
});

describe('strategy result', () => {
  it('names the strategy file when the whole result is empty', () => {
    // Arrange
    const h = prices({ A: [100] });
    // Act
    const e = thrown(() => run('(filter (rsi {:window 3}) (select-top 1) [(asset "A")])', h));
    // Assert
    expect(e).toBeInstanceOf(EvaluationError);
    expect((e as Error).message).toBe(`t.clj: the strategy selects nothing on ${dateOf(0)}`);
  });
});
