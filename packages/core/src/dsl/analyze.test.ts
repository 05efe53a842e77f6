import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeStrategy, symbolsUnder } from './analyze.ts';
import type { Strategy } from './ast.ts';
import { parseStrategy } from './parse.ts';

const CORPUS = new URL('../../../../test/fixtures/corpus/', import.meta.url);

const strategy = (body: string): Strategy => parseStrategy(`(defsymphony "T" {} ${body})`, 't.clj');

describe('analyze', () => {
  it('needs rsi n + 1 bars for a condition symbol and 1 bar for held assets', () => {
    // Arrange
    const s = strategy('(if (> (rsi "SPY" {:window 10}) 70) [(asset "UVXY")] [(asset "BIL")])');

    // Act
    const req = analyzeStrategy(s);

    // Assert
    expect(req.symbols).toEqual(['BIL', 'SPY', 'UVXY']);
    expect(req.bars).toEqual({ BIL: 1, SPY: 11, UVXY: 1 });
    expect(req.fullHistory).toEqual(['SPY']);
  });

  it('reads both branches of every if, whichever is taken', () => {
    // Arrange
    const s = strategy(
      '(if (> (current-price "SPY") (moving-average-price "SPY" 200)) [(asset "TQQQ")] [(if (< (stdev-return "QQQ" 5) 3) [(asset "QQQ")] [(asset "BIL")])])',
    );

    // Act
    const req = analyzeStrategy(s);

    // Assert
    expect(req.bars).toEqual({ BIL: 1, QQQ: 6, SPY: 200, TQQQ: 1 });
    expect(req.fullHistory).toEqual([]);
  });

  it('keeps the largest need of a symbol read several times', () => {
    // Arrange
    const s = strategy(
      '(weight-equal [(if (> (rsi "SPY" 10) 70) [(asset "SPY")]) (if (> (max-drawdown "SPY" 60) 10) [(asset "SPY")]) (if (< (stdev-price "SPY" 14) 2) [(asset "SPY")])])',
    );

    // Act
    const req = analyzeStrategy(s);

    // Assert
    expect(req.bars).toEqual({ SPY: 60 });
  });

  it('scores asset-mode filter candidates with the metric on their own symbol', () => {
    // Arrange
    const ma = strategy('(filter (moving-average-price 20) (select-bottom 1) [(asset "A") (asset "B")])');
    const rsi = strategy('(filter (rsi {:window 7}) (select-top 1) [(asset "A") (asset "B")])');

    // Act
    const maReq = analyzeStrategy(ma);
    const rsiReq = analyzeStrategy(rsi);

    // Assert
    expect(maReq.bars).toEqual({ A: 20, B: 20 });
    expect(maReq.fullHistory).toEqual([]);
    expect(rsiReq.bars).toEqual({ A: 8, B: 8 });
    expect(rsiReq.fullHistory).toEqual(['A', 'B']);
  });

  it('adds the metric bars of a portfolio filter to everything inside its candidates', () => {
    // Arrange: cumulative-return 10 needs 11 bars of each candidate's equity curve.
    const s = strategy(`(filter (cumulative-return 10) (select-top 1)
      [(group "A" [(if (> (rsi "QQQ" 10) 50) [(asset "TQQQ")] [(asset "BIL")])])
       (asset "TLT")])`);

    // Act
    const req = analyzeStrategy(s);

    // Assert
    expect(req.bars).toEqual({ BIL: 1 + 11, QQQ: 11 + 11, TLT: 1 + 11, TQQQ: 1 + 11 });
    expect(req.fullHistory).toEqual(['BIL', 'QQQ', 'TLT', 'TQQQ']);
  });

  it('accumulates the extra bars of nested portfolio filters', () => {
    // Arrange
    const inner = '(filter (rsi 5) (select-top 1) [(group "X" [(asset "X")]) (asset "Y")])';
    const s = strategy(`(filter (cumulative-return 10) (select-top 1) [(group "I" [${inner}]) (asset "Z")])`);

    // Act
    const req = analyzeStrategy(s);

    // Assert: outer adds 11, inner adds 6.
    expect(req.bars).toEqual({ X: 1 + 11 + 6, Y: 1 + 11 + 6, Z: 1 + 11 });
  });

  it('only adds the extra bars inside the filter, not to the rest of the strategy', () => {
    // Arrange
    const s = strategy(
      '(weight-equal [(asset "SPY") (filter (max-drawdown 30) (select-top 1) [(group "G" [(asset "SPY")]) (asset "TLT")])])',
    );

    // Act
    const req = analyzeStrategy(s);

    // Assert
    expect(req.bars).toEqual({ SPY: 31, TLT: 31 });
  });

  it('adds stdev-return n + 1 bars for the symbols held under inverse volatility', () => {
    // Arrange
    const s = strategy(
      '(weight-inverse-vol 10 [(asset "SPY") (group "G" [(if (> (rsi "QQQ" 20) 50) [(asset "TLT")] [(asset "GLD")])])])',
    );

    // Act
    const req = analyzeStrategy(s);

    // Assert: the condition symbol QQQ is read (rsi 20 → 21 bars) but not held.
    expect(req.bars).toEqual({ GLD: 11, QQQ: 21, SPY: 11, TLT: 11 });
    expect(req.fullHistory).toEqual(['QQQ']);
  });

  it('adds the inverse-volatility window inside a portfolio filter on top of the filter bars', () => {
    // Arrange
    const s = strategy(
      '(filter (cumulative-return 5) (select-top 1) [(weight-inverse-volatility {:window 20} [(asset "A") (asset "B")]) (asset "C")])',
    );

    // Act
    const req = analyzeStrategy(s);

    // Assert
    expect(req.bars).toEqual({ A: 21 + 6, B: 21 + 6, C: 1 + 6 });
  });

  it('lists the symbols a node may hold, sorted, without condition symbols', () => {
    // Arrange
    const s = strategy(
      '(weight-equal [(asset "Z") (filter (rsi 10) (select-top 1) [(asset "B") (asset "A")]) (if (> (rsi "SPY" 10) 1) [(asset "M")])])',
    );

    // Act
    const held = symbolsUnder(s.root);

    // Assert
    expect(held).toEqual(['A', 'B', 'M', 'Z']);
  });

  describe('corpus', () => {
    it.each([
      ['defence.clj', 12],
      ['ftl_starburst.clj', 91],
      ['growth_blend.clj', 78],
      ['vox_the_best.clj', 71],
    ])('%s reads %i symbols', (file, count) => {
      // Arrange
      const s = parseStrategy(readFileSync(new URL(file, CORPUS), 'utf8'), file);

      // Act
      const req = analyzeStrategy(s);

      // Assert
      expect(req.symbols).toHaveLength(count);
      expect([...req.symbols].sort()).toEqual(req.symbols);
      expect(Object.keys(req.bars)).toEqual(req.symbols);
      for (const symbol of req.fullHistory) expect(req.symbols).toContain(symbol);
      for (const n of Object.values(req.bars)) expect(Number.isInteger(n) && n >= 1).toBe(true);
    });

    it('gold.clj needs 200 bars of UGL for its 200-day moving average', () => {
      // Arrange
      const s = parseStrategy(readFileSync(new URL('gold.clj', CORPUS), 'utf8'), 'gold.clj');

      // Act
      const req = analyzeStrategy(s);

      // Assert: stdev-return GLD 100 → 101; UGL max(ma 200, rsi 20 + 1); GLL and BIL are only held.
      expect(req.bars).toEqual({ BIL: 1, GLD: 101, GLL: 1, UGL: 200 });
      expect(req.fullHistory).toEqual(['UGL']);
    });
  });
});
