import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StrategySemanticError } from '../errors.ts';
import { INDICATOR_NAMES } from '../indicators/index.ts';
import type { FilterNode, IfNode, Strategy, StrategyNode } from './ast.ts';
import { compileStrategy } from './compile.ts';
import { parseStrategy } from './parse.ts';
import { readForms } from './reader.ts';

const CORPUS = new URL('../../../../test/fixtures/corpus/', import.meta.url);
const CORPUS_FILES = [
  'defence.clj',
  'ftl_starburst.clj',
  'ftlt/holy_grail.clj',
  'ftlt/tqqq_ftlt.clj',
  'ftlt/tqqq_ftlt_1.clj',
  'ftlt/tqqq_ftlt_2.clj',
  'gold.clj',
  'gold_and_miners.clj',
  'gold_currency.clj',
  'growth_blend.clj',
  'hedged_sector_rotator.clj',
  'kmlm_switcher.clj',
  'pals_spell.clj',
  'rains_concise_em.clj',
  'rains_em_dancer.clj',
  'simons_full_kmlm.clj',
  'sisyphus_lowvol.clj',
  'soxl_growth.clj',
  'vox_the_best.clj',
];

/** Compile `body` as the body of a strategy. */
function compile(body: string, config = '{}'): Strategy {
  return compileStrategy(readForms(`(defsymphony\n "T"\n ${config}\n ${body})`, 't.clj'), 't.clj');
}

const root = (body: string): StrategyNode => compile(body).root;

function semanticError(body: string, config = '{}'): StrategySemanticError {
  try {
    compile(body, config);
  } catch (e) {
    expect(e).toBeInstanceOf(StrategySemanticError);
    return e as StrategySemanticError;
  }
  throw new Error('expected a semantic error');
}

function as<K extends StrategyNode['kind']>(node: StrategyNode, kind: K): Extract<StrategyNode, { kind: K }> {
  expect(node.kind).toBe(kind);
  return node as Extract<StrategyNode, { kind: K }>;
}

const IF_COND = '(> (rsi "SPY" {:window 10}) 70)';

describe('compile', () => {
  describe('defsymphony', () => {
    it('keeps the name, the file, the settings and the body', () => {
      // Arrange
      const config = '{:asset-class "EQUITIES", :rebalance-threshold 0.05, :rebalance-frequency :daily}';

      // Act
      const strategy = compile('(asset "SPY")', config);

      // Assert
      expect(strategy.name).toBe('T');
      expect(strategy.file).toBe('t.clj');
      expect(strategy.settings).toEqual({
        assetClass: 'EQUITIES',
        rebalanceThreshold: 0.05,
        rebalanceFrequency: 'daily',
      });
      expect(strategy.root).toMatchObject({ kind: 'asset', symbol: 'SPY', pos: { line: 4, col: 2 } });
      expect(strategy.canonicalNodes).toBe(1);
    });

    it('accepts an empty config map', () => {
      // Arrange / Act
      const strategy = compile('(asset "SPY")');

      // Assert
      expect(strategy.settings).toEqual({});
    });

    it('reports a bad config before an error in the body (source order)', () => {
      // Arrange / Act
      const error = semanticError('(asset "spy")', '{:rebalance-threshold 2}');

      // Assert
      expect(error.pos).toMatchObject({ line: 3, col: 24 });
      expect(error.detail).toContain(':rebalance-threshold');
    });
  });

  describe('asset', () => {
    it.each([
      ['(asset "SPY")', undefined],
      ['(asset "SPY" "SPDR S&P 500 ETF Trust")', 'SPDR S&P 500 ETF Trust'],
      ['(asset "SPY" nil)', undefined],
    ])('compiles %s', (src, name) => {
      // Arrange / Act
      const node = as(root(src), 'asset');

      // Assert
      expect(node.symbol).toBe('SPY');
      expect(node.name).toBe(name);
      expect('name' in node).toBe(name !== undefined);
    });

    it.each(['BRK.B', 'BF/B', 'SPY-W', '3X'])('accepts the ticker %s', (symbol) => {
      // Arrange / Act
      const node = as(root(`(asset "${symbol}")`), 'asset');

      // Assert
      expect(node.symbol).toBe(symbol);
    });

    it('escapes odd characters of a rejected ticker, so the message stays on one line', () => {
      // Arrange / Act
      const error = semanticError(String.raw`(asset "SP\nY")`);

      // Assert
      expect(error.message).toBe(
        String.raw`t.clj:4:9: invalid ticker "SP\nY" (uppercase letters, digits, '.', '/', '-')`,
      );
    });
  });

  describe('group', () => {
    it('keeps the name and shares the id of its child', () => {
      // Arrange / Act
      const node = as(root('(group "Safety" [(asset "BIL")])'), 'group');

      // Assert
      expect(node.name).toBe('Safety');
      expect(node.child).toMatchObject({ kind: 'asset', symbol: 'BIL' });
      expect(node.id).toBe(node.child.id);
    });

    it('weights several body children equally', () => {
      // Arrange / Act
      const node = as(root('(group "Two" [(asset "SPY") (asset "TLT")])'), 'group');

      // Assert
      const child = as(node.child, 'weight-equal');
      expect(child.children.map((c) => (c as { symbol: string }).symbol)).toEqual(['SPY', 'TLT']);
    });
  });

  describe('weight-equal', () => {
    it('flattens several vectors and single forms into one list of children', () => {
      // Arrange / Act
      const node = as(
        root('(weight-equal [(asset "A")] [(asset "B") (asset "C")] (asset "D"))'),
        'weight-equal',
      );

      // Assert
      expect(node.children.map((c) => as(c, 'asset').symbol)).toEqual(['A', 'B', 'C', 'D']);
      expect(node.pos).toMatchObject({ line: 4, col: 2 });
    });

    it('shares the id of its only child', () => {
      // Arrange / Act
      const node = as(root('(weight-equal [(asset "SPY")])'), 'weight-equal');

      // Assert
      expect(node.children).toHaveLength(1);
      expect(node.id).toBe(node.children[0]!.id);
    });
  });

  describe('weight-specified', () => {
    it('pairs each weight with its child, a vector body included', () => {
      // Arrange / Act
      const node = as(
        root('(weight-specified 0.6 (asset "SPY") 0.3 [(asset "TLT")] 0.1 [(asset "GLD") (asset "BIL")])'),
        'weight-specified',
      );

      // Assert
      expect(node.weights).toEqual([0.6, 0.3, 0.1]);
      expect(node.children.map((c) => c.kind)).toEqual(['asset', 'asset', 'weight-equal']);
    });

    it('accepts a zero weight', () => {
      // Arrange / Act
      const node = as(root('(weight-specified 0 (asset "SPY") 1 (asset "TLT"))'), 'weight-specified');

      // Assert
      expect(node.weights).toEqual([0, 1]);
    });
  });

  describe('weight-inverse-volatility', () => {
    it.each([
      ['(weight-inverse-volatility 10 [(asset "SPY") (asset "TLT")])', 10],
      ['(weight-inverse-volatility {:window 20} [(asset "SPY") (asset "TLT")])', 20],
      ['(weight-inverse-vol 5 [(asset "SPY") (asset "TLT")])', 5],
      ['(weight-inverse-vol {:window 30} [(asset "SPY")] [(asset "TLT")])', 30],
    ])('compiles %s', (src, window) => {
      // Arrange / Act
      const node = as(root(src), 'weight-inverse-volatility');

      // Assert
      expect(node.window).toBe(window);
      expect(node.children.map((c) => as(c, 'asset').symbol)).toEqual(['SPY', 'TLT']);
    });

    it('gives the alias and the full name the same id', () => {
      // Arrange
      const src = (op: string) =>
        `(weight-equal [(${op} {:window 10} [(asset "A") (asset "B")]) (asset "C")])`;

      // Act
      const full = compile(src('weight-inverse-volatility')).root;
      const alias = compile(src('weight-inverse-vol')).root;

      // Assert
      expect(alias.id).toBe(full.id);
      const we = as(
        compile(`(weight-equal [${src('weight-inverse-volatility')} ${src('weight-inverse-vol')}])`).root,
        'weight-equal',
      );
      expect(we.children[0]!.id).toBe(we.children[1]!.id);
    });
  });

  describe('if', () => {
    it('compiles a condition, a then-branch and an else-branch', () => {
      // Arrange / Act
      const node = as(root(`(if ${IF_COND} [(asset "UVXY")] [(asset "SPY")])`), 'if');

      // Assert
      expect(node.condition).toMatchObject({
        kind: 'compare',
        op: '>',
        left: { kind: 'indicator', indicator: 'rsi', symbol: 'SPY', window: 10 },
        right: { kind: 'literal', value: 70 },
      });
      expect(as(node.then, 'asset').symbol).toBe('UVXY');
      expect(as(node.else!, 'asset').symbol).toBe('SPY');
    });

    it('compiles an if without else', () => {
      // Arrange / Act
      const node = as(root(`(if ${IF_COND} [(asset "UVXY")])`), 'if');

      // Assert
      expect(node.else).toBeUndefined();
      expect('else' in node).toBe(false);
    });

    it.each(['>', '<', '>=', '<=', '='])('compiles the comparison %s with indicators on both sides', (op) => {
      // Arrange / Act
      const node = as(
        root(`(if (${op} (current-price "SPY") (moving-average-price "SPY" 200)) [(asset "SPY")])`),
        'if',
      );

      // Assert
      expect(node.condition.op).toBe(op);
      expect(node.condition.left).toMatchObject({ indicator: 'current-price', symbol: 'SPY', window: 1 });
      expect(node.condition.right).toMatchObject({ indicator: 'moving-average-price', window: 200 });
    });

    it('accepts a literal on the left and a negative literal', () => {
      // Arrange / Act
      const node = as(root('(if (< -5 (cumulative-return "SPY" {:window 5})) [(asset "SPY")])'), 'if');

      // Assert
      expect(node.condition.left).toMatchObject({ kind: 'literal', value: -5 });
    });
  });

  describe('indicators', () => {
    const windowed = INDICATOR_NAMES.filter((n) => n !== 'current-price');

    it.each(windowed)('compiles %s with {:window n} and with a positional window', (indicator) => {
      // Arrange
      const src = (w: string) => `(if (> (${indicator} "QQQ" ${w}) 1) [(asset "QQQ")])`;

      // Act
      const mapped = as(root(src('{:window 14}')), 'if').condition.left;
      const positional = as(root(src('14')), 'if').condition.left;

      // Assert
      expect(mapped).toMatchObject({ kind: 'indicator', indicator, symbol: 'QQQ', window: 14 });
      expect(positional).toMatchObject({ kind: 'indicator', indicator, symbol: 'QQQ', window: 14 });
    });

    it.each(['(current-price "QQQ")', '(current-price "QQQ" {:window 3})', '(current-price "QQQ" 3)'])(
      'compiles %s with window 1',
      (src) => {
        // Arrange / Act
        const left = as(root(`(if (> ${src} 100) [(asset "QQQ")])`), 'if').condition.left;

        // Assert
        expect(left).toMatchObject({
          kind: 'indicator',
          indicator: 'current-price',
          symbol: 'QQQ',
          window: 1,
        });
      },
    );

    it('accepts every indicator as a filter metric, with either window form', () => {
      // Arrange / Act
      const metrics = INDICATOR_NAMES.map((indicator, k) => {
        const w = indicator === 'current-price' ? '' : k % 2 === 0 ? ' {:window 7}' : ' 7';
        return as(root(`(filter (${indicator}${w}) (select-top 1) [(asset "A") (asset "B")])`), 'filter')
          .metric;
      });

      // Assert
      expect(metrics).toEqual(
        INDICATOR_NAMES.map((indicator) => ({ indicator, window: indicator === 'current-price' ? 1 : 7 })),
      );
    });
  });

  describe('filter', () => {
    it('detects asset mode and de-duplicates repeated assets', () => {
      // Arrange / Act
      const node = as(
        root(
          '(filter (rsi {:window 10}) (select-top 2) [(asset "SOXL") (asset "TQQQ" "x") (asset "SOXL" nil)])',
        ),
        'filter',
      );

      // Assert
      expect(node.mode).toBe('asset');
      expect(node.metric).toEqual({ indicator: 'rsi', window: 10 });
      expect(node.select).toEqual({ direction: 'top', count: 2 });
      expect(node.candidates.map((c) => as(c, 'asset').symbol)).toEqual(['SOXL', 'TQQQ']);
    });

    it('detects portfolio mode when any candidate is not a bare asset, and keeps duplicates', () => {
      // Arrange / Act
      const node = as(
        root(
          '(filter (cumulative-return 10) (select-bottom 1) [(asset "SPY") (group "G" [(asset "TLT")]) (asset "SPY")])',
        ),
        'filter',
      );

      // Assert
      expect(node.mode).toBe('portfolio');
      expect(node.select).toEqual({ direction: 'bottom', count: 1 });
      expect(node.candidates.map((c) => c.kind)).toEqual(['asset', 'group', 'asset']);
    });

    it('treats a group of one asset as portfolio mode', () => {
      // Arrange / Act
      const node = as(
        root('(filter (rsi 10) (select-top 1) [(group "A" [(asset "A")]) (asset "B")])'),
        'filter',
      );

      // Assert
      expect(node.mode).toBe<FilterNode['mode']>('portfolio');
    });
  });

  describe('canonical ids', () => {
    it('shares an id between identical subtrees with different group and asset names', () => {
      // Arrange
      const sub = (group: string, name: string) =>
        `(group "${group}" [(if ${IF_COND} [(asset "UVXY" "${name}")] [(filter (rsi 10) (select-top 1) [(asset "A") (asset "B")])])])`;

      // Act
      const node = as(root(`(weight-equal [${sub('One', 'x')} ${sub('Two', 'y')}])`), 'weight-equal');

      // Assert
      const [a, b] = node.children as [StrategyNode, StrategyNode];
      expect(as(a, 'group').name).toBe('One');
      expect(as(b, 'group').name).toBe('Two');
      expect(a.id).toBe(b.id);
      expect(a.pos).not.toEqual(b.pos);
    });

    it('counts shared subtrees once in canonicalNodes', () => {
      // Arrange
      const sub = `(if ${IF_COND} [(asset "UVXY")] [(asset "SPY")])`;

      // Act
      const once = compile(sub);
      const twice = compile(`(weight-equal [(group "a" [${sub}]) (group "b" [${sub}])])`);

      // Assert: UVXY, SPY, the if; twice adds only the weight-equal.
      expect(once.canonicalNodes).toBe(3);
      expect(twice.canonicalNodes).toBe(4);
    });

    it.each([
      ['different windows', '(rsi "SPY" {:window 10})', '(rsi "SPY" {:window 11})'],
      ['different tickers', '(rsi "SPY" 10)', '(rsi "QQQ" 10)'],
      ['different indicators', '(rsi "SPY" 10)', '(cumulative-return "SPY" 10)'],
    ])('gives different ids to conditions with %s', (_, x, y) => {
      // Arrange
      const sub = (e: string) => `(if (> ${e} 70) [(asset "UVXY")] [(asset "SPY")])`;

      // Act
      const node = as(root(`(weight-equal [${sub(x)} ${sub(y)}])`), 'weight-equal');

      // Assert
      expect(node.children[0]!.id).not.toBe(node.children[1]!.id);
    });

    it('gives the same id to a window written positionally and as a map', () => {
      // Arrange
      const sub = (w: string) => `(if (> (rsi "SPY" ${w}) 70) [(asset "UVXY")] [(asset "SPY")])`;

      // Act
      const node = as(root(`(weight-equal [${sub('10')} ${sub('{:window 10}')}])`), 'weight-equal');

      // Assert
      expect(node.children[0]!.id).toBe(node.children[1]!.id);
    });

    it.each([
      ['comparison', '(> (rsi "SPY" 10) 70)', '(< (rsi "SPY" 10) 70)'],
      ['threshold', '(> (rsi "SPY" 10) 70)', '(> (rsi "SPY" 10) 71)'],
      ['operand order', '(> (rsi "SPY" 10) (rsi "QQQ" 10))', '(> (rsi "QQQ" 10) (rsi "SPY" 10))'],
    ])('gives different ids when the %s differs', (_, x, y) => {
      // Arrange
      const sub = (c: string) => `(if ${c} [(asset "UVXY")] [(asset "SPY")])`;

      // Act
      const node = as(root(`(weight-equal [${sub(x)} ${sub(y)}])`), 'weight-equal');

      // Assert
      expect(node.children[0]!.id).not.toBe(node.children[1]!.id);
    });

    it.each([
      [
        'weights',
        '(weight-specified 0.6 (asset "A") 0.4 (asset "B"))',
        '(weight-specified 0.4 (asset "A") 0.6 (asset "B"))',
      ],
      [
        'inverse-volatility windows',
        '(weight-inverse-vol 10 [(asset "A") (asset "B")])',
        '(weight-inverse-vol 20 [(asset "A") (asset "B")])',
      ],
      [
        'filter windows',
        '(filter (rsi 10) (select-top 1) [(asset "A") (asset "B")])',
        '(filter (rsi 11) (select-top 1) [(asset "A") (asset "B")])',
      ],
      [
        'filter directions',
        '(filter (rsi 10) (select-top 1) [(asset "A") (asset "B")])',
        '(filter (rsi 10) (select-bottom 1) [(asset "A") (asset "B")])',
      ],
      [
        'filter counts',
        '(filter (rsi 10) (select-top 1) [(asset "A") (asset "B")])',
        '(filter (rsi 10) (select-top 2) [(asset "A") (asset "B")])',
      ],
      [
        'if with and without else',
        `(if ${IF_COND} [(asset "A")])`,
        `(if ${IF_COND} [(asset "A")] [(asset "B")])`,
      ],
      ['child order', '(weight-equal [(asset "A") (asset "B")])', '(weight-equal [(asset "B") (asset "A")])'],
    ])('gives different ids to nodes with different %s', (_, x, y) => {
      // Arrange / Act
      const node = as(root(`(weight-equal [${x} ${y}])`), 'weight-equal');

      // Assert
      expect(node.children[0]!.id).not.toBe(node.children[1]!.id);
    });
  });

  describe('errors', () => {
    it.each([
      ['(asset "SPY" "x" "y")', 4, 2, 'asset takes a ticker and an optional name, found 3 arguments'],
      ['(group "G" [])', 4, 13, 'empty group body'],
      [
        '(weight-specified 0.5 (asset "A") -0.5 (asset "B"))',
        4,
        36,
        'weight-specified weight must be a non-negative number, found the number -0.5',
      ],
      [
        '(weight-inverse-vol {:window 0} [(asset "A")])',
        4,
        31,
        'weight-inverse-volatility window must be an integer ≥ 1, found 0',
      ],
      [
        '(if (rsi "SPY" 10) [(asset "A")])',
        4,
        6,
        'an if condition must be a comparison, found the bare indicator rsi',
      ],
      ['(if (> (rsi "SPY" 1e16) 5) [(asset "A")])', 4, 20, 'rsi window must be an integer ≥ 1, found 1e16'],
      [
        '(filter (rsi 10) (select-top 9007199254740993) [(asset "A")])',
        4,
        31,
        'select-top count must be an integer ≥ 1',
      ],
      ['(rsi "SPY" 10)', 4, 2, 'rsi is a value, not a strategy node; it belongs inside if or filter'],
      ['(frobnicate [(asset "SPY")])', 4, 2, "unknown operator 'frobnicate'"],
    ])('rejects %s at %i:%i', (body, line, col, message) => {
      // Arrange / Act
      const error = semanticError(body);

      // Assert
      expect(error.name).toBe('StrategySemanticError');
      expect(error.pos).toEqual({ file: 't.clj', line, col });
      expect(error.detail).toContain(message);
    });
  });

  describe('corpus', () => {
    it.each(CORPUS_FILES)('compiles %s', (file) => {
      // Arrange
      const text = readFileSync(new URL(file, CORPUS), 'utf8');

      // Act
      const strategy = parseStrategy(text, file);

      // Assert
      expect(strategy.file).toBe(file);
      expect(strategy.name.length).toBeGreaterThan(0);
      expect(strategy.canonicalNodes).toBeGreaterThan(0);
      expect(strategy.root.pos).toMatchObject({ line: 4, col: 2 });
    });

    it('compiles asset names given as nil in ftl_starburst.clj', () => {
      // Arrange
      const text = readFileSync(new URL('ftl_starburst.clj', CORPUS), 'utf8');

      // Act
      const strategy = parseStrategy(text, 'ftl_starburst.clj');

      // Assert: duplicated subtrees are shared, so there are fewer canonical nodes than nodes.
      let nodes = 0;
      let unnamed = 0;
      let ifs = 0;
      const stack: StrategyNode[] = [strategy.root];
      while (stack.length > 0) {
        const n = stack.pop()!;
        nodes++;
        if (n.kind === 'asset' && n.name === undefined) unnamed++;
        if (n.kind === 'if') ifs++;
        if (n.kind === 'group') stack.push(n.child);
        else if (n.kind === 'if') stack.push(...[(n as IfNode).then, ...(n.else ? [n.else] : [])]);
        else if (n.kind === 'filter') stack.push(...n.candidates);
        else if (n.kind !== 'asset') stack.push(...n.children);
      }
      expect(unnamed).toBeGreaterThan(0);
      expect(ifs).toBeGreaterThan(0);
      expect(strategy.canonicalNodes).toBeLessThan(nodes);
    });
  });
});
