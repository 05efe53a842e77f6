/**
 * Reader for the Composer export format (an EDN subset): turns text into {@link Form}s that keep their
 * source position. Iterative (an explicit stack), so deeply nested files cannot overflow the call stack.
 */
import { type SourcePos, StrategySyntaxError } from '../errors.ts';
import type { Form } from './forms.ts';

/** Deepest nesting accepted; the evaluator recurses along the tree, so the reader bounds it. */
export const MAX_DEPTH = 1000;

enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 34,
  Comma = 44,
  Semicolon = 59,
  Colon = 58,
  Backslash = 92,
  LParen = 40,
  RParen = 41,
  LBracket = 91,
  RBracket = 93,
  LBrace = 123,
  RBrace = 125,
}

const CLOSER: Record<number, string> = { [Ch.LParen]: ')', [Ch.LBracket]: ']', [Ch.LBrace]: '}' };
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const ATOM_CHAR_RE = /[A-Za-z0-9*+!\-_'?<>=/.%&$|]/;

interface Frame {
  readonly open: number;
  readonly pos: SourcePos;
  readonly items: Form[];
}

/** Read every top-level form of `text`. Errors are {@link StrategySyntaxError} with file:line:col. */
export function readForms(text: string, file: string): Form[] {
  const top: Form[] = [];
  const stack: Frame[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;
  const posAt = (at: number): SourcePos => ({ file, line, col: at - lineStart + 1 });
  const fail = (pos: SourcePos, msg: string): never => {
    throw new StrategySyntaxError(pos, msg);
  };
  const push = (form: Form) => {
    const frame = stack[stack.length - 1];
    (frame ? frame.items : top).push(form);
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.LF) {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === Ch.Space || c === Ch.Tab || c === Ch.CR || c === Ch.Comma) {
      i++;
      continue;
    }
    if (c === Ch.Semicolon) {
      while (i < n && text.charCodeAt(i) !== Ch.LF) i++;
      continue;
    }
    if (c === Ch.LParen || c === Ch.LBracket || c === Ch.LBrace) {
      if (stack.length >= MAX_DEPTH) fail(posAt(i), `nesting deeper than ${MAX_DEPTH} levels`);
      stack.push({ open: c, pos: posAt(i), items: [] });
      i++;
      continue;
    }
    if (c === Ch.RParen || c === Ch.RBracket || c === Ch.RBrace) {
      const frame = stack.pop();
      const closing = String.fromCharCode(c);
      if (!frame) fail(posAt(i), `unexpected '${closing}' with no matching opening bracket`);
      const f = frame as Frame;
      const expected = CLOSER[f.open]!;
      if (closing !== expected) {
        fail(
          posAt(i),
          `'${closing}' does not close '${String.fromCharCode(f.open)}' opened at ${f.pos.line}:${f.pos.col} (expected '${expected}')`,
        );
      }
      i++;
      if (f.open === Ch.LParen) push({ kind: 'list', items: f.items, pos: f.pos });
      else if (f.open === Ch.LBracket) push({ kind: 'vector', items: f.items, pos: f.pos });
      else {
        if (f.items.length % 2 !== 0)
          fail(f.pos, `map literal has an odd number of forms (${f.items.length})`);
        const entries: [Form, Form][] = [];
        for (let k = 0; k < f.items.length; k += 2) entries.push([f.items[k]!, f.items[k + 1]!]);
        push({ kind: 'map', entries, pos: f.pos });
      }
      continue;
    }
    if (c === Ch.Quote) {
      const start = posAt(i);
      i++;
      let out = '';
      let segment = i;
      for (;;) {
        if (i >= n) fail(start, 'unterminated string');
        const d = text.charCodeAt(i);
        if (d === Ch.Quote) break;
        if (d === Ch.LF) {
          line++;
          lineStart = i + 1;
        }
        if (d === Ch.Backslash) {
          out += text.slice(segment, i);
          if (i + 1 >= n) fail(start, 'unterminated string');
          const e = text[i + 1]!;
          const esc =
            e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '"' || e === '\\' ? e : null;
          if (esc === null) fail(posAt(i), `unknown escape '\\${showChar(e)}' in string`);
          out += esc;
          i += 2;
          segment = i;
          continue;
        }
        i++;
      }
      out += text.slice(segment, i);
      i++;
      push({ kind: 'string', value: out, pos: start });
      continue;
    }
    // atom: number, keyword, symbol, nil, true, false
    const start = i;
    const pos = posAt(i);
    while (i < n && ATOM_CHAR_RE.test(text[i]!)) i++;
    if (c === Ch.Colon) {
      i++;
      while (i < n && ATOM_CHAR_RE.test(text[i]!)) i++;
    }
    if (i === start)
      fail(pos, `unexpected character '${showChar(String.fromCodePoint(text.codePointAt(i)!))}'`);
    const atom = text.slice(start, i);
    push(classifyAtom(atom, pos));
    if (i < n && !isDelimiter(text.charCodeAt(i)))
      fail(
        posAt(i),
        `unexpected character '${showChar(String.fromCodePoint(text.codePointAt(i)!))}' after '${atom}'`,
      );
  }
  const open = stack[stack.length - 1];
  if (open) {
    fail(open.pos, `'${String.fromCharCode(open.open)}' is never closed (expected '${CLOSER[open.open]}')`);
  }
  return top;
}

/** A character as it may appear in a one-line message: control and invisible characters as U+XXXX. */
function showChar(ch: string): string {
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch)
    ? ch
    : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function isDelimiter(c: number): boolean {
  return (
    c === Ch.Space ||
    c === Ch.Tab ||
    c === Ch.LF ||
    c === Ch.CR ||
    c === Ch.Comma ||
    c === Ch.Semicolon ||
    c === Ch.Quote ||
    c === Ch.LParen ||
    c === Ch.RParen ||
    c === Ch.LBracket ||
    c === Ch.RBracket ||
    c === Ch.LBrace ||
    c === Ch.RBrace
  );
}

function classifyAtom(atom: string, pos: SourcePos): Form {
  if (atom === 'nil') return { kind: 'nil', pos };
  if (atom === 'true' || atom === 'false') return { kind: 'bool', value: atom === 'true', pos };
  if (atom.startsWith(':')) {
    if (atom.length === 1) throw new StrategySyntaxError(pos, 'empty keyword');
    return { kind: 'keyword', name: atom.slice(1), pos };
  }
  const first = atom.charCodeAt(0);
  const looksNumeric =
    (first >= 48 && first <= 57) ||
    ((atom[0] === '-' || atom[0] === '+' || atom[0] === '.') && /^[+-]*\.?\d/.test(atom));
  if (looksNumeric) {
    if (!NUMBER_RE.test(atom)) throw new StrategySyntaxError(pos, `malformed number '${atom}'`);
    const value = Number(atom);
    if (!Number.isFinite(value)) throw new StrategySyntaxError(pos, `number out of range '${atom}'`);
    return { kind: 'number', value, text: atom, pos };
  }
  return { kind: 'symbol', name: atom, pos };
}
