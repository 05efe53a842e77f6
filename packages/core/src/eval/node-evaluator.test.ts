/**
 * Semantics of each strategy node on small hand-made price series (see docs: SEMANTICS.md). Every expected
 * number is computed by hand in the comments.
 *
 * Curve rule of portfolio-mode filters, as implemented: a candidate's equity curve is 100 on the first
 * session the candidate can be evaluated, then curve[t] = curve[t−1]·(1 + Σ w_i·(c_i[t]/c_i[t−1] − 1)) with
 * w = the candidate's selection on t−1. On a session where the candidate cannot be evaluated (or the return
 * of its holdings is unknown) the curve breaks (NaN), and it restarts at 100 on the next evaluable session,
 * so no indicator window reaches across a break. An empty selection earns 0. A candidate that statically
 * always holds one asset uses that asset's closes directly.
 */
import { describe, expect, it } from 'vitest';
import type { FilterNode, Strategy } from '../dsl/ast.ts';
import { parseStrategy } from '../dsl/parse.ts';
import { EvaluationError, MissingDataError } from '../errors.ts';
import { computeIndicator } from '../indicators/index.ts';
import { createStrategyEvaluator, type EvaluationResult } from './evaluate.ts';
import { NodeEvaluator } from './node-evaluator.ts';
import { PriceHistory } from './price-history.ts';
import type { TraceNode } from './trace.ts';

type FilterTrace = Extract<TraceNode, { filter: string }>;
type WeightTrace = Extract<TraceNode, { weight: string }>;

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

/** Evaluate `body` as of session k (default: the last session), with its trace. */
function run(body: string, history: PriceHistory, k = history.length - 1): EvaluationResult {
  return createStrategyEvaluator(strategy(body), history).evaluate(dateOf(k), { trace: true });
}

/** Weights as numbers. */
function weights(body: string, history: PriceHistory, k?: number): Record<string, number> {
  return Object.fromEntries(Object.entries(run(body, history, k).weights).map(([s, w]) => [s, Number(w)]));
}

function expectWeights(got: Record<string, number>, want: Record<string, number>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [s, w] of Object.entries(want)) expect(got[s], s).toBeCloseTo(w, 12);
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

/** A child that is always empty: its only candidate lacks the 10 returns the metric needs. */
const EMPTY_CHILD = '(filter (cumulative-return {:window 10}) (select-top 1) [(asset "D")])';

describe('asset and group', () => {
  const h = prices({ A: [100, 101], B: [50, 51] });

  it('asset holds 100 % of its symbol', () => {
    // Arrange / Act
    const got = run('(asset "A" "Some fund")', h);
    // Assert
    expect(got.weights).toEqual({ A: '1' });
  });

  it('group is its body (a vector body is weighted equally)', () => {
    // Arrange / Act
    const got = run('(group "g" [(asset "A") (asset "B")])', h);
    // Assert: two children → 1/2 each
    expect(got.weights).toEqual({ A: '0.5', B: '0.5' });
  });
});

describe('weight-equal', () => {
  const h = prices({ A: [100, 100, 100], B: [100, 100, 100], C: [100, 100, 100], D: [100, 100, 100] });

  it('gives each non-empty child 1/m, each child normalized to 1, empty children dropped', () => {
    // Arrange: children A, (B C), and an empty filter → m = 2
    const body = `(weight-equal [(asset "A") (group "bc" [(weight-equal [(asset "B") (asset "C")])]) ${EMPTY_CHILD}])`;
    // Act
    const got = weights(body, h);
    // Assert: A 1/2; B and C share the other 1/2 → 1/4 each
    expectWeights(got, { A: 0.5, B: 0.25, C: 0.25 });
  });

  it('flattens vectors: every element is a child', () => {
    // Arrange / Act
    const got = weights('(weight-equal [(asset "A")] [(asset "B") (asset "C")])', h);
    // Assert: three children → 1/3 each
    expectWeights(got, { A: 1 / 3, B: 1 / 3, C: 1 / 3 });
  });

  it('with every child empty is empty: the strategy selects nothing', () => {
    // Arrange
    const body = `(weight-equal [${EMPTY_CHILD} (filter (rsi {:window 10}) (select-top 1) [(asset "A")])])`;
    // Act
    const e = thrown(() => run(body, h));
    // Assert
    expect(e).toBeInstanceOf(EvaluationError);
    expect((e as Error).message).toMatch(/selects nothing/);
  });

  it('sums a symbol held by several children', () => {
    // Arrange / Act: A directly (1/2) and half of (A B) (1/4)
    const got = weights('(weight-equal [(asset "A") (weight-equal [(asset "A") (asset "B")])])', h);
    // Assert
    expectWeights(got, { A: 0.75, B: 0.25 });
  });
});

describe('weight-specified', () => {
  const h = prices({ A: [100, 100, 100], B: [100, 100, 100], C: [100, 100, 100], D: [100, 100, 100] });

  it('scales each child by its weight: 0.6 / 0.2 / 0.2', () => {
    // Arrange / Act
    const got = run('(weight-specified 0.6 (asset "A") 0.2 (asset "B") 0.2 [(asset "C")])', h);
    // Assert: 0.6 + 0.2 + 0.2 = 1 → the weights themselves
    expect(got.weights).toEqual({ A: '0.6', B: '0.2', C: '0.2' });
  });

  it('does not renormalize around an empty child: the final normalization does', () => {
    // Arrange: the third child (0.2) is empty → 0.6 A + 0.2 B, sum 0.8
    const body = `(weight-specified 0.6 (asset "A") 0.2 (asset "B") 0.2 ${EMPTY_CHILD})`;
    // Act
    const got = weights(body, h);
    // Assert: final normalization 0.6/0.8 = 0.75, 0.2/0.8 = 0.25
    expectWeights(got, { A: 0.75, B: 0.25 });
  });

  it('as a child, is normalized to 1 by the enclosing operator', () => {
    // Arrange: inner (0.6 A, 0.2 B, empty) normalizes to (0.75 A, 0.25 B), then gets 1/2 next to C
    const body = `(weight-equal [(weight-specified 0.6 (asset "A") 0.2 (asset "B") 0.2 ${EMPTY_CHILD}) (asset "C")])`;
    // Act
    const got = weights(body, h);
    // Assert: A 0.75/2 = 0.375, B 0.25/2 = 0.125, C 0.5
    expectWeights(got, { A: 0.375, B: 0.125, C: 0.5 });
  });

  it('handles weights not summing to 1 (2 : 1 → 2/3, 1/3) and inner children normalized to 1', () => {
    // Arrange: the second child (B C) is normalized to 1 before being scaled by 1
    const body = '(weight-specified 2 (asset "A") 1 (weight-equal [(asset "B") (asset "C")]))';
    // Act
    const got = weights(body, h);
    // Assert: A 2/3; B and C 1/6 each
    expectWeights(got, { A: 2 / 3, B: 1 / 6, C: 1 / 6 });
  });

  it('drops a child with weight 0', () => {
    // Arrange / Act
    const got = run('(weight-specified 0 (asset "A") 1 (asset "B"))', h);
    // Assert
    expect(got.weights).toEqual({ B: '1' });
  });
});

describe('weight-inverse-volatility', () => {
  // Daily returns in percent (window 2 → the last 2 returns, population stdev):
  // A: +10, −10 → 10;  B: +5, −5 → 5;  C: +2, −2 → 2;  D: 0, 0 → 0;  E: one bar only → unavailable.
  const h = prices({
    A: [100, 110, 99],
    B: [100, 105, 99.75],
    C: [100, 102, 99.96],
    D: [100, 100, 100],
    E: [Number.NaN, Number.NaN, 100],
  });

  it.each([
    ['positional window', '(weight-inverse-volatility 2 [(asset "A") (asset "B")])'],
    ['map window', '(weight-inverse-volatility {:window 2} [(asset "A") (asset "B")])'],
    ['alias weight-inverse-vol', '(weight-inverse-vol 2 (asset "A") (asset "B"))'],
  ])('weighs assets ∝ 1 / stdev-return (%s)', (_, body) => {
    // Act
    const got = weights(body, h);
    // Assert: 1/10 : 1/5 = 1 : 2 → A 1/3, B 2/3
    expectWeights(got, { A: 1 / 3, B: 2 / 3 });
  });

  it('gives a group child the weight-averaged stdev-return of its holdings', () => {
    // Arrange: group (B C) holds 1/2 B + 1/2 C → vol 0.5·5 + 0.5·2 = 3.5
    const body =
      '(weight-inverse-volatility 2 [(asset "A") (group "bc" [(weight-equal [(asset "B") (asset "C")])])])';
    // Act
    const result = run(body, h);
    // Assert: 1/10 : 1/3.5 = 7/70 : 20/70 → A 7/27, group 20/27 split 10/27 B, 10/27 C
    const got = Object.fromEntries(Object.entries(result.weights).map(([s, w]) => [s, Number(w)]));
    expectWeights(got, { A: 7 / 27, B: 10 / 27, C: 10 / 27 });
    const vols = (result.trace as WeightTrace).vols!;
    expect(vols[0]).toBeCloseTo(10, 10);
    expect(vols[1]).toBeCloseTo(3.5, 10);
  });

  it('drops children whose volatility is 0 or unavailable', () => {
    // Arrange: D has vol 0, E has one bar (stdev-return 2 needs 3)
    const body = '(weight-inverse-volatility 2 [(asset "A") (asset "B") (asset "D") (asset "E")])';
    // Act
    const result = run(body, h);
    // Assert: as A and B alone; the trace shows the volatilities, null where unavailable
    const got = Object.fromEntries(Object.entries(result.weights).map(([s, w]) => [s, Number(w)]));
    expectWeights(got, { A: 1 / 3, B: 2 / 3 });
    const vols = (result.trace as WeightTrace).vols!;
    expect(vols[2]).toBe(0);
    expect(vols[3]).toBeNull();
  });
});

describe('if', () => {
  // A: MA(2) on the last session = (100 + 110)/2 = 105; current price 110.
  const h = prices({ A: [90, 100, 110], B: [50, 50, 50], P: [100, 100, 100] });

  it('takes the then-branch when the condition holds, the else-branch otherwise', () => {
    // Arrange
    const yes = '(if (> (current-price "A") 100) [(asset "A")] [(asset "B")])';
    const no = '(if (> (current-price "A") 120) [(asset "A")] [(asset "B")])';
    // Act / Assert: 110 > 100 → A; 110 > 120 is false → B
    expect(run(yes, h).weights).toEqual({ A: '1' });
    expect(run(no, h).weights).toEqual({ B: '1' });
  });

  it('without else: a true condition takes then', () => {
    // Act / Assert
    expect(run('(if (< (current-price "B") 60) [(asset "B")])', h).weights).toEqual({ B: '1' });
  });

  it('without else: a false condition is an EvaluationError naming the position of the if', () => {
    // Arrange: the if is on line 2, column 2 of t.clj
    const body = '(if (> (current-price "B") 60) [(asset "B")])';
    // Act
    const e = thrown(() => run(body, h));
    // Assert
    expect(e).toBeInstanceOf(EvaluationError);
    expect((e as EvaluationError).pos).toMatchObject({ file: 't.clj', line: 2, col: 2 });
    expect((e as Error).message).toMatch(/^t\.clj:2:2: .*no else-branch/);
  });

  it('evaluates only the chosen branch (the other may lack data)', () => {
    // Arrange: the else-branch reads a symbol with no data
    const body = '(if (> (current-price "A") 100) [(asset "A")] [(asset "NOPE")])';
    // Act / Assert
    expect(run(body, h).weights).toEqual({ A: '1' });
  });
});

describe('comparisons', () => {
  // P = 100 exactly on every session.
  const h = prices({ A: [90, 100, 110], B: [100, 100, 104], P: [100, 100, 100] });
  const holds = (cond: string): boolean => 'P' in run(`(if ${cond} [(asset "P")] [(asset "B")])`, h).weights;

  it.each([
    ['>', '100', false],
    ['>', '99.5', true],
    ['<', '100', false],
    ['<', '100.5', true],
    ['>=', '100', true],
    ['>=', '100.5', false],
    ['<=', '100', true],
    ['<=', '99.5', false],
    ['=', '100', true],
    ['=', '100.000001', false],
  ])('(%s price 100, %s) is %s', (op, literal, expected) => {
    // Act / Assert
    expect(holds(`(${op} (current-price "P") ${literal})`)).toBe(expected);
  });

  it('compares an indicator with an indicator, and a literal on the left', () => {
    // Arrange: MA2(A) = (100 + 110)/2 = 105; price B = 104; MA3(A) = 100
    // Act / Assert
    expect(holds('(> (moving-average-price "A" {:window 2}) (current-price "B"))')).toBe(true);
    expect(holds('(< (moving-average-price "A" {:window 2}) (current-price "B"))')).toBe(false);
    expect(holds('(< 104.5 (moving-average-price "A" {:window 2}))')).toBe(true);
    expect(holds('(= (moving-average-price "A" {:window 3}) (current-price "P"))')).toBe(true);
  });
});

describe('filter (asset mode)', () => {
  // cumulative-return 1 on the last session: A +10, B +5, C +20, T +10 (ties A), L one bar only.
  const h = prices({
    A: [100, 110],
    B: [100, 105],
    C: [100, 120],
    T: [100, 110],
    L: [Number.NaN, 100],
  });
  const f = (select: string, candidates: string) =>
    `(filter (cumulative-return {:window 1}) (${select}) [${candidates}])`;

  it('select-top ranks descending, select-bottom ascending; kept candidates get equal weight', () => {
    // Act / Assert
    expect(run(f('select-top 1', '(asset "A") (asset "B") (asset "C")'), h).weights).toEqual({ C: '1' });
    expect(run(f('select-bottom 1', '(asset "A") (asset "B") (asset "C")'), h).weights).toEqual({ B: '1' });
    expect(run(f('select-top 2', '(asset "A") (asset "B") (asset "C")'), h).weights).toEqual({
      A: '0.5',
      C: '0.5',
    });
  });

  it('keeps all candidates when N ≥ count (duplicates counted once)', () => {
    // Act
    const got = weights(f('select-top 5', '(asset "A") (asset "B") (asset "A") (asset "C")'), h);
    // Assert
    expectWeights(got, { A: 1 / 3, B: 1 / 3, C: 1 / 3 });
  });

  it('breaks ties by ticker ascending, whatever the order of the candidates', () => {
    // Arrange: A and T both +10 %
    // Act / Assert
    expect(run(f('select-top 1', '(asset "T") (asset "A")'), h).weights).toEqual({ A: '1' });
    expect(run(f('select-bottom 1', '(asset "T") (asset "A")'), h).weights).toEqual({ A: '1' });
    expect(run(f('select-top 2', '(asset "T") (asset "B") (asset "C") (asset "A")'), h).weights).toEqual({
      A: '0.5',
      C: '0.5',
    });
  });

  it('keeps what the ranking keeps when scores are within the tie tolerance without being equal', () => {
    // Arrange: returns 10.000000000000009 (X), 10.000000000008 (Y), 10.000000000016 (Z): X≈Y and Y≈Z are
    // ties but X and Z are not, so "ties" are not transitive and only the ranking's sort decides
    const near = prices({
      X: [100, 110],
      Y: [100, 110.000000000008],
      Z: [100, 110.000000000016],
      B: [100, 105],
    });
    const orders = ['X Y Z B', 'Z Y X B', 'Y B Z X', 'B Z X Y', 'Z X Y B'];
    for (const order of orders) {
      const candidates = order
        .split(' ')
        .map((y) => `(asset "${y}")`)
        .join(' ');
      for (const select of ['select-top 2', 'select-bottom 2', 'select-top 3']) {
        // Act
        const result = run(f(select, candidates), near);
        // Assert: the weights hold exactly the candidates the trace's ranking kept
        expect(Object.keys(result.weights), `${select} ${order}`).toEqual(
          [...(result.trace as FilterTrace).kept].sort(),
        );
      }
    }
  });

  it('leaves out a candidate with insufficient history and lists it in the trace', () => {
    // Arrange: L has 1 bar, cumulative-return 1 needs 2
    // Act
    const result = run(f('select-top 3', '(asset "A") (asset "L") (asset "B")'), h);
    // Assert
    expect(result.weights).toEqual({ A: '0.5', B: '0.5' });
    const trace = result.trace as FilterTrace;
    expect(trace.ranking.map((r) => r.candidate)).toEqual(['A', 'B']);
    expect(trace.excluded).toEqual([{ candidate: 'L', why: expect.stringMatching(/needs 2 bars/) }]);
  });

  it('with every candidate left out is empty: a strategy made of it selects nothing', () => {
    // Act
    const e = thrown(() => run(f('select-top 1', '(asset "L")'), h));
    // Assert
    expect(e).toBeInstanceOf(EvaluationError);
    expect((e as Error).message).toMatch(/selects nothing/);
  });

  it('fails with MissingDataError for a candidate symbol with no data at all', () => {
    // Act
    const e = thrown(() => run(f('select-top 1', '(asset "A") (asset "ZZZ")'), h));
    // Assert
    expect(e).toBeInstanceOf(MissingDataError);
    expect((e as MissingDataError).symbol).toBe('ZZZ');
  });
});

describe('filter (portfolio mode)', () => {
  // Sessions 0..4. S switches the group "sw" between X (S > 1) and Y:
  //   S: 0.5   2     0.5    2      0.5     → selections Y, X, Y, X, Y
  //   X: 100   120   144    172.8  207.36  (+20 % a day)
  //   Y: 100   90    99     89.1   98.01   (−10 %, +10 %, −10 %, +10 %)
  //   Z: 100   100   100    100    110
  // Curve of sw: 100 → ·(1 − 0.1) = 90 (Y, day 1) → ·1.2 = 108 (X) → ·0.9 = 97.2 (Y) → ·1.2 = 116.64 (X)
  //   cumulative-return 4 = 116.64/100 − 1 = 16.64 %.
  // Curve of (weight-equal X Y), rebalanced daily: day returns 0.5·0.2 + 0.5·(−0.1) = 0.05, then 0.15,
  //   0.05, 0.15: 100 → 105 → 120.75 → 126.7875 → 145.805625 → cumulative-return 4 = 45.805625 %.
  // Z: cumulative-return 4 = 10 %.
  const h = prices({
    S: [0.5, 2, 0.5, 2, 0.5],
    X: [100, 120, 144, 172.8, 207.36],
    Y: [100, 90, 99, 89.1, 98.01],
    Z: [100, 100, 100, 100, 110],
  });
  const SW = '(group "sw" [(if (> (current-price "S") 1) [(asset "X")] [(asset "Y")])])';
  const EQ = '(group "eq" [(weight-equal [(asset "X") (asset "Y")])])';
  const f = (select: string, candidates: string, metric = 'cumulative-return {:window 4}') =>
    `(filter (${metric}) (${select}) [${candidates}])`;

  it('scores a group on the equity curve of its own daily selections', () => {
    // Act
    const result = run(f('select-top 3', `${SW} ${EQ} (asset "Z")`), h);
    // Assert
    const trace = result.trace as FilterTrace;
    expect(trace.filter).toMatch(/\(portfolio\)$/);
    expect(trace.ranking.map((r) => r.candidate)).toEqual(['eq', 'sw', 'Z']);
    expect(trace.ranking[0]!.score).toBeCloseTo(45.805625, 9);
    expect(trace.ranking[1]!.score).toBeCloseTo(16.64, 9);
    expect(trace.ranking[2]!.score).toBeCloseTo(10, 9);
  });

  it('keeps the best candidates, each with its current holdings', () => {
    // Arrange: top 2 = eq (X 1/2, Y 1/2) and sw (today S = 0.5 → Y)
    // Act
    const got = weights(f('select-top 2', `${SW} ${EQ} (asset "Z")`), h);
    // Assert: each kept candidate 1/2 → X 1/4, Y 1/4 + 1/2
    expectWeights(got, { X: 0.25, Y: 0.75 });
    // and select-bottom 1 → Z (10 % < 16.64 %)
    expect(run(f('select-bottom 1', `${SW} (asset "Z")`), h).weights).toEqual({ Z: '1' });
  });

  it('builds the curve exactly as the rule says', () => {
    // Arrange
    const s = strategy(SW);
    const ev = new NodeEvaluator(h);
    // Act
    const curve = ev.curve(s.root, 4);
    // Assert
    expect(Array.from(curve)).toEqual([100, 90, 108, 97.2, 116.64].map((v) => expect.closeTo(v, 9)));
  });

  it('scores a one-asset group with the per-symbol indicator', () => {
    // Arrange: gy holds Y statically (its closes are used); yy holds Y through a replayed curve
    const body = f(
      'select-top 3',
      `(group "gy" [(asset "Y")]) (group "yy" [(weight-equal [(asset "Y") (asset "Y")])]) ${SW}`,
      'rsi {:window 2}',
    );
    // Act
    const trace = run(body, h).trace as FilterTrace;
    // Assert: the scale of a curve does not change RSI, so both equal rsi(Y, 2)
    const rsiY = computeIndicator('rsi', h.closes('Y')!, 2)[4]!;
    const score = (c: string) => trace.ranking.find((r) => r.candidate === c)!.score;
    expect(score('gy')).toBe(rsiY);
    expect(score('yy')).toBeCloseTo(rsiY, 9);
  });

  describe('max-drawdown', () => {
    // A: 100, 80, 100 → drawdown 20 %; B and B2: 100, 95, 100 → 5 %.
    const dd = prices({ A: [100, 80, 100], B: [100, 95, 100], B2: [100, 95, 100] });
    const GA = '(group "ga" [(asset "A")])';
    const GB = '(group "gb" [(weight-equal [(asset "B") (asset "B2")])])';
    const m = 'max-drawdown {:window 3}';

    it('is negated in portfolio mode: select-top picks the smallest drawdown', () => {
      // Act
      const result = run(f('select-top 1', `${GA} ${GB}`, m), dd);
      // Assert
      expect(result.weights).toEqual({ B: '0.5', B2: '0.5' });
      const trace = result.trace as FilterTrace;
      expect(trace.ranking[0]!.score).toBeCloseTo(-5, 9);
      expect(trace.ranking[1]!.score).toBeCloseTo(-20, 9);
      expect(run(f('select-bottom 1', `${GA} ${GB}`, m), dd).weights).toEqual({ A: '1' });
    });

    it('is not negated in asset mode: select-top picks the largest drawdown', () => {
      // Act
      const result = run(f('select-top 1', '(asset "A") (asset "B")', m), dd);
      // Assert
      expect(result.weights).toEqual({ A: '1' });
      expect((result.trace as FilterTrace).ranking[0]!.score).toBeCloseTo(20, 9);
    });
  });

  it('breaks ties by the first symbol a candidate holds', () => {
    // Arrange: P, Q, R, U have the same returns (R and U at 3× the price) → equal curves, equal scores
    const ties = prices({
      P: [100, 101, 103],
      Q: [100, 101, 103],
      R: [300, 303, 309],
      U: [300, 303, 309],
    });
    const later = '(group "later" [(weight-equal [(asset "U") (asset "R")])])';
    const earlier = '(group "earlier" [(weight-equal [(asset "Q") (asset "P")])])';
    // Act
    const top = run(f('select-top 1', `${later} ${earlier}`, 'cumulative-return {:window 2}'), ties);
    const bottom = run(f('select-bottom 1', `${later} ${earlier}`, 'cumulative-return {:window 2}'), ties);
    // Assert: "earlier" holds P first (P < R)
    expect(top.weights).toEqual({ P: '0.5', Q: '0.5' });
    expect(bottom.weights).toEqual({ P: '0.5', Q: '0.5' });
  });

  it('leaves out a candidate starting late until its curve has enough points', () => {
    // Arrange: L trades from session 2 → "late" (L, M) is first evaluable on session 2; M, N flat.
    //   late curve: s2 100, s3 100·(1 + 0.5·0.1) = 105, s4 105·1.05 = 110.25
    //   cumulative-return 2 needs 3 curve points: none on s3 (2 points), 10.25 % on s4; "flat" scores 0.
    const late = prices({
      L: [Number.NaN, Number.NaN, 100, 110, 121],
      M: [100, 100, 100, 100, 100],
      N: [100, 100, 100, 100, 100],
    });
    const body = f(
      'select-top 1',
      '(group "late" [(weight-equal [(asset "L") (asset "M")])]) (group "flat" [(weight-equal [(asset "M") (asset "N")])])',
      'cumulative-return {:window 2}',
    );
    // Act
    const s3 = run(body, late, 3);
    const s4 = run(body, late, 4);
    // Assert
    expect(s3.weights).toEqual({ M: '0.5', N: '0.5' });
    expect((s3.trace as FilterTrace).excluded).toEqual([
      { candidate: 'late', why: expect.stringMatching(/equity curve/) },
    ]);
    expect(s4.weights).toEqual({ L: '0.5', M: '0.5' });
    expect((s4.trace as FilterTrace).ranking[0]!.score).toBeCloseTo(10.25, 9);
  });
});

describe('equity curve breaks', () => {
  it('breaks on a session the candidate cannot be evaluated and restarts at 100 on the next one', () => {
    // Arrange: "gap" holds X while S > 1 and has no else-branch, so it fails on session 2 (S = 0.5).
    //   X: 100, 110, 121, 60.5, 66.55, 73.205 (+10 % a day except the −50 % of session 3)
    //   curve: 100, 110 | NaN | 100 (restart), 110, 121 — the crash of session 3 falls in the break
    const h = prices({
      S: [2, 2, 0.5, 2, 2, 2],
      X: [100, 110, 121, 60.5, 66.55, 73.205],
      F: [100, 100, 100, 100, 100, 100],
      G: [100, 100, 100, 100, 100, 100],
    });
    const gap = '(group "gap" [(if (> (current-price "S") 1) [(asset "X")])])';
    const flat = '(group "flat" [(weight-equal [(asset "F") (asset "G")])])';
    const body = `(filter (cumulative-return {:window 2}) (select-top 1) [${gap} ${flat}])`;
    // Act
    const curve = new NodeEvaluator(h).curve(strategy(gap).root, 5);
    const s4 = run(body, h, 4);
    const s5 = run(body, h, 5);
    // Assert: on s4 the restarted curve has 2 points (needs 3) → "gap" left out, not scored across the break
    expect(Array.from(curve)).toEqual([
      100,
      expect.closeTo(110, 9),
      Number.NaN,
      100,
      expect.closeTo(110, 9),
      expect.closeTo(121, 9),
    ]);
    expect(s4.weights).toEqual({ F: '0.5', G: '0.5' });
    expect((s4.trace as FilterTrace).excluded?.map((x) => x.candidate)).toEqual(['gap']);
    // on s5: 121/100 − 1 = 21 %
    expect(s5.weights).toEqual({ X: '1' });
    expect((s5.trace as FilterTrace).ranking[0]!.score).toBeCloseTo(21, 9);
  });

  it('breaks when a held asset has no bar, even if the candidate can be evaluated that session', () => {
    // Arrange: sw holds X on s0, s1 (S > 1) and Y from s2; X has no bar on s2, so the return of s2 is unknown
    //   curve: 100, 110 (X +10 %) | NaN | 100 on s3 (restart)
    const h = prices({
      S: [2, 2, 0.5, 0.5],
      X: [100, 110, Number.NaN, 121],
      Y: [100, 100, 100, 110],
    });
    const sw = strategy('(group "sw" [(if (> (current-price "S") 1) [(asset "X")] [(asset "Y")])])');
    // Act
    const curve = new NodeEvaluator(h).curve(sw.root, 3);
    // Assert
    expect(Array.from(curve)).toEqual([100, expect.closeTo(110, 9), Number.NaN, 100]);
  });

  it('earns nothing while the selection is empty', () => {
    // Arrange: the inner filter is empty until A has 3 bars (cumulative-return 2); B is flat
    //   selections: s0 B (empty filter dropped), s1 B, s2 A+B … curve: 100, 100, 100, 100·(1 + 0.5·0.1) = 105
    const h = prices({ A: [100, 100, 100, 110], B: [100, 100, 100, 100] });
    const node = strategy(
      '(weight-equal [(filter (cumulative-return {:window 2}) (select-top 1) [(asset "A")]) (asset "B")])',
    ).root;
    const empty = strategy('(filter (cumulative-return {:window 2}) (select-top 1) [(asset "A")])').root;
    // Act
    const ev = new NodeEvaluator(h);
    const curve = ev.curve(node, 3);
    const emptyCurve = ev.curve(empty, 3);
    // Assert
    expect(Array.from(curve)).toEqual([100, 100, 100, expect.closeTo(105, 9)]);
    // an always-evaluable node that holds nothing on s0, s1 stays at 100, then holds A from s2
    expect(Array.from(emptyCurve)).toEqual([100, 100, 100, expect.closeTo(110, 9)]);
  });

  it('is what the filter ranks (the filter node type exposes portfolio mode)', () => {
    // Arrange
    const s = strategy('(filter (rsi {:window 2}) (select-top 1) [(group "g" [(asset "A")]) (asset "B")])');
    // Act / Assert
    expect((s.root as FilterNode).mode).toBe('portfolio');
  });
});
