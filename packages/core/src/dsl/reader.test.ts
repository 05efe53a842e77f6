import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StrategySyntaxError } from '../errors.ts';
import type { Form } from './forms.ts';
import { MAX_DEPTH, readForms } from './reader.ts';

const CORPUS = new URL('../../../../test/fixtures/corpus/', import.meta.url);

/** The only top-level form of `text`. */
function readOne(text: string): Form {
  const forms = readForms(text, 'f.clj');
  expect(forms).toHaveLength(1);
  return forms[0]!;
}

/** Items of a list or vector form. */
function itemsOf(form: Form): readonly Form[] {
  if (form.kind !== 'list' && form.kind !== 'vector') throw new Error(`not a sequence: ${form.kind}`);
  return form.items;
}

function syntaxError(text: string): StrategySyntaxError {
  try {
    readForms(text, 'f.clj');
  } catch (e) {
    expect(e).toBeInstanceOf(StrategySyntaxError);
    return e as StrategySyntaxError;
  }
  throw new Error('expected a syntax error');
}

/** Deepest bracket nesting of a form, iteratively. */
function depthOf(form: Form): number {
  let max = 0;
  const stack: [Form, number][] = [[form, 1]];
  while (stack.length > 0) {
    const [f, d] = stack.pop()!;
    if (f.kind === 'list' || f.kind === 'vector') {
      max = Math.max(max, d);
      for (const c of f.items) stack.push([c, d + 1]);
    } else if (f.kind === 'map') {
      max = Math.max(max, d);
      for (const [k, v] of f.entries) stack.push([k, d + 1], [v, d + 1]);
    }
  }
  return max;
}

describe('reader', () => {
  describe('form kinds', () => {
    it('reads every kind of form with its position', () => {
      // Arrange
      const text = '(a [1 "s"] {:k nil} true false -2.5)';

      // Act
      const form = readOne(text);

      // Assert
      expect(form).toEqual({
        kind: 'list',
        pos: { file: 'f.clj', line: 1, col: 1 },
        items: [
          { kind: 'symbol', name: 'a', pos: { file: 'f.clj', line: 1, col: 2 } },
          {
            kind: 'vector',
            pos: { file: 'f.clj', line: 1, col: 4 },
            items: [
              { kind: 'number', value: 1, text: '1', pos: { file: 'f.clj', line: 1, col: 5 } },
              { kind: 'string', value: 's', pos: { file: 'f.clj', line: 1, col: 7 } },
            ],
          },
          {
            kind: 'map',
            pos: { file: 'f.clj', line: 1, col: 12 },
            entries: [
              [
                { kind: 'keyword', name: 'k', pos: { file: 'f.clj', line: 1, col: 13 } },
                { kind: 'nil', pos: { file: 'f.clj', line: 1, col: 16 } },
              ],
            ],
          },
          { kind: 'bool', value: true, pos: { file: 'f.clj', line: 1, col: 21 } },
          { kind: 'bool', value: false, pos: { file: 'f.clj', line: 1, col: 26 } },
          { kind: 'number', value: -2.5, text: '-2.5', pos: { file: 'f.clj', line: 1, col: 32 } },
        ],
      });
    });

    it('reads several top-level forms, and none from an empty or comment-only text', () => {
      // Arrange / Act
      const forms = readForms('1 :a "b"', 'f.clj');

      // Assert
      expect(forms.map((f) => f.kind)).toEqual(['number', 'keyword', 'string']);
      expect(readForms('', 'f.clj')).toEqual([]);
      expect(readForms('  ; nothing here\n\n;; nor here', 'f.clj')).toEqual([]);
    });

    it.each([
      ['0', 0],
      ['42', 42],
      ['-7', -7],
      ['+3', 3],
      ['.5', 0.5],
      ['-.5', -0.5],
      ['5.', 5],
      ['99.9', 99.9],
      ['1e3', 1000],
      ['1E-2', 0.01],
      ['-2.5e+1', -25],
    ])('reads the number %s', (text, value) => {
      // Arrange / Act
      const form = readOne(text);

      // Assert
      expect(form).toMatchObject({ kind: 'number', value, text });
    });

    it('reads keywords, including dashed ones', () => {
      // Arrange / Act
      const form = readOne('{:asset-class "EQUITIES", :rebalance-threshold 0.05 :window 10}');

      // Assert
      expect(form.kind).toBe('map');
      const keys = (form as Extract<Form, { kind: 'map' }>).entries.map(([k]) => k);
      expect(keys.map((k) => (k.kind === 'keyword' ? k.name : k.kind))).toEqual([
        'asset-class',
        'rebalance-threshold',
        'window',
      ]);
    });

    it('reads operator symbols, and nil/true/false only as whole atoms', () => {
      // Arrange / Act
      const items = itemsOf(readOne('(>= <= weight-inverse-vol select-top nil true false nilly truex)'));

      // Assert
      expect(items.map((f) => (f.kind === 'symbol' ? f.name : f.kind))).toEqual([
        '>=',
        '<=',
        'weight-inverse-vol',
        'select-top',
        'nil',
        'bool',
        'bool',
        'nilly',
        'truex',
      ]);
    });

    it('reads the escapes \\n \\t \\r \\" and \\\\ in strings', () => {
      // Arrange
      const text = String.raw`"a\nb\tc\rd\"e\\f"`;

      // Act
      const form = readOne(text);

      // Assert
      expect(form).toMatchObject({ kind: 'string', value: 'a\nb\tc\rd"e\\f' });
    });

    it('keeps brackets, semicolons and commas inside strings', () => {
      // Arrange / Act
      const form = readOne('"Brackets (in [strings]) {do not} count; really, ok"');

      // Assert
      expect(form).toMatchObject({
        kind: 'string',
        value: 'Brackets (in [strings]) {do not} count; really, ok',
      });
    });
  });

  describe('positions', () => {
    it('tracks lines and columns over multi-line, indented text', () => {
      // Arrange
      const text = '(defsymphony\n "Name"\n {:asset-class "EQUITIES"}\n (asset\n  "SPY"))';

      // Act
      const [head, name, config, body] = itemsOf(readOne(text));

      // Assert
      expect(head!.pos).toMatchObject({ line: 1, col: 2 });
      expect(name!.pos).toMatchObject({ line: 2, col: 2 });
      expect(config!.pos).toMatchObject({ line: 3, col: 2 });
      expect(body!.pos).toMatchObject({ line: 4, col: 2 });
      expect(itemsOf(body!)[1]!.pos).toMatchObject({ line: 5, col: 3 });
    });

    it('gives the same positions with CRLF line endings', () => {
      // Arrange
      const lf = '(a\n  [b\n   c]\n d)';
      const crlf = lf.replaceAll('\n', '\r\n');

      // Act
      const a = readOne(lf);
      const b = readOne(crlf);

      // Assert
      expect(b).toEqual(a);
      expect(itemsOf(itemsOf(b)[1]!)[1]!.pos).toMatchObject({ line: 3, col: 4 });
    });

    it('counts a tab as one column', () => {
      // Arrange / Act
      const items = itemsOf(readOne('(a\n\t\tb\t c)'));

      // Assert
      expect(items[1]!.pos).toMatchObject({ line: 2, col: 3 });
      expect(items[2]!.pos).toMatchObject({ line: 2, col: 6 });
    });

    it('treats commas as whitespace', () => {
      // Arrange / Act
      const form = readOne('{:a 1,, :b 2,}');

      // Assert
      expect(form.kind).toBe('map');
      const entries = (form as Extract<Form, { kind: 'map' }>).entries;
      expect(entries).toHaveLength(2);
      expect(entries[1]![0].pos).toMatchObject({ line: 1, col: 9 });
    });

    it('skips ; comments to the end of the line, brackets included', () => {
      // Arrange
      const text = '; header ((( [[\n(a ; trailing )))\n b) ; after\n; last line without newline';

      // Act
      const items = itemsOf(readOne(text));

      // Assert
      expect(items.map((f) => (f.kind === 'symbol' ? f.name : f.kind))).toEqual(['a', 'b']);
      expect(items[1]!.pos).toMatchObject({ line: 3, col: 2 });
    });

    it('continues counting lines after a multi-line string', () => {
      // Arrange
      const text = '["line one\nline two\nline three" x]';

      // Act
      const [str, x] = itemsOf(readOne(text));

      // Assert
      expect(str).toMatchObject({
        kind: 'string',
        value: 'line one\nline two\nline three',
        pos: { line: 1, col: 2 },
      });
      expect(x!.pos).toMatchObject({ line: 3, col: 13 });
    });

    it('names the file in every position', () => {
      // Arrange / Act
      const [form] = readForms('x', 'strategies/a.clj');

      // Assert
      expect(form!.pos).toEqual({ file: 'strategies/a.clj', line: 1, col: 1 });
    });
  });

  describe('errors', () => {
    it.each([
      ['(a (b)', 1, 1, "'(' is never closed (expected ')')"],
      ['[a\n {:b 1]', 2, 7, "']' does not close '{' opened at 2:2 (expected '}')"],
      ['(a))', 1, 4, "unexpected ')' with no matching opening bracket"],
      ['{:a 1 :b}', 1, 1, 'map literal has an odd number of forms (3)'],
      ['(a\n  "abc', 2, 3, 'unterminated string'],
      ['"ab\\', 1, 1, 'unterminated string'],
      ['"a\\qb"', 1, 3, "unknown escape '\\q' in string"],
      ['"a\\\nb"', 1, 3, "unknown escape '\\U+000A' in string"],
      ['1.2.3', 1, 1, "malformed number '1.2.3'"],
      ['(x --5)', 1, 4, "malformed number '--5'"],
      ['1e', 1, 1, "malformed number '1e'"],
      ['10d', 1, 1, "malformed number '10d'"],
      ['1e400', 1, 1, "number out of range '1e400'"],
      ['(a @b)', 1, 4, "unexpected character '@'"],
      ['#{1}', 1, 1, "unexpected character '#'"],
      ['~a', 1, 1, "unexpected character '~'"],
      ['`a', 1, 1, "unexpected character '`'"],
      ['(70@)', 1, 4, "unexpected character '@' after '70'"],
      ['{: 1}', 1, 2, 'empty keyword'],
      ['a\u00a0b', 1, 2, "unexpected character 'U+00A0' after 'a'"],
      ['\u00a0', 1, 1, "unexpected character 'U+00A0'"],
      ['(a \u{1F600})', 1, 4, "unexpected character '\u{1F600}'"],
    ])('rejects %j at %i:%i', (text, line, col, message) => {
      // Arrange / Act
      const error = syntaxError(text);

      // Assert
      expect(error.name).toBe('StrategySyntaxError');
      expect(error.pos).toEqual({ file: 'f.clj', line, col });
      expect(error.detail).toBe(message);
      expect(error.message).toBe(`f.clj:${line}:${col}: ${message}`);
    });

    it(`accepts ${MAX_DEPTH} levels of nesting and rejects ${MAX_DEPTH + 1}`, () => {
      // Arrange
      const fits = `${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`;
      const over = `${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`;

      // Act
      const form = readOne(fits);
      const error = syntaxError(over);

      // Assert
      expect(depthOf(form)).toBe(MAX_DEPTH);
      expect(error.pos).toMatchObject({ line: 1, col: MAX_DEPTH + 1 });
      expect(error.detail).toBe(`nesting deeper than ${MAX_DEPTH} levels`);
    });

    it('rejects 100,000 levels of nesting without overflowing the stack', () => {
      // Arrange
      const text = '('.repeat(100_000);

      // Act
      const error = syntaxError(text);

      // Assert
      expect(error.detail).toBe(`nesting deeper than ${MAX_DEPTH} levels`);
    });
  });

  describe('corpus', () => {
    it('reads ftl_starburst.clj (2.2 MB, 190 levels deep) as one form', () => {
      // Arrange
      const text = readFileSync(new URL('ftl_starburst.clj', CORPUS), 'utf8');

      // Act
      const forms = readForms(text, 'ftl_starburst.clj');

      // Assert
      expect(forms).toHaveLength(1);
      expect(itemsOf(forms[0]!)[0]).toMatchObject({ kind: 'symbol', name: 'defsymphony' });
      expect(depthOf(forms[0]!)).toBeGreaterThanOrEqual(190);
    });
  });
});
