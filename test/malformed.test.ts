/**
 * Malformed strategies: every file in test/fixtures/malformed/ starts with
 * `; expect: <line>:<col>: <message fragment>` and must fail `ensemble check` with exactly that one
 * positioned error, cleanly (exit 1, no stack trace, no internal error). Plus a fuzz over mutated corpus
 * files: parsing either succeeds or throws a positioned syntax/semantic error, never anything else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeStrategy, ErrorNames, MAX_DEPTH, parseStrategy } from '@ensemble/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './support/cli.ts';

const MALFORMED_DIR = join(FIXTURES, 'malformed');
const EXPECT_RE = /^; expect: (\d+):(\d+): (.+?)\r?$/;
const POSITIONED_RE = /^[^:]+:\d+:\d+: /;
const STRATEGY_ERRORS: readonly string[] = [ErrorNames.StrategySyntax, ErrorNames.StrategySemantic];

interface Expectation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly fragment: string;
}

function expectationOf(file: string): Expectation {
  const text = readFileSync(join(MALFORMED_DIR, file), 'utf8');
  const first = text.split('\n', 1)[0]!;
  const m = EXPECT_RE.exec(first);
  if (!m) throw new Error(`${file}: first line must be '; expect: <line>:<col>: <message>'`);
  return { file, line: Number(m[1]), col: Number(m[2]), fragment: m[3]! };
}

const files = readdirSync(MALFORMED_DIR)
  .filter((f) => f.endsWith('.clj'))
  .sort();
const expectations = files.map(expectationOf);

function parseError(text: string, file: string): Error & { pos?: { line: number; col: number } } {
  try {
    parseStrategy(text, file);
  } catch (e) {
    return e as Error & { pos?: { line: number; col: number } };
  }
  throw new Error(`${file} parsed without error`);
}

describe('malformed strategies', () => {
  it('has a corpus of at least 60 files', () => {
    // Arrange / Act / Assert
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  describe.each(expectations)('$file', ({ file, line, col, fragment }) => {
    const shown = `test/fixtures/malformed/${file}`;

    it(`ensemble check fails with one error at ${line}:${col}`, async () => {
      // Arrange
      const prefix = `${shown}:${line}:${col}: `;

      // Act
      const run = await runCli(['check', shown]);

      // Assert
      expect(run.code).toBe(1);
      expect(run.out).toEqual([]);
      const lines = run.err.flatMap((l) => l.split('\n'));
      const errors = lines.filter((l) => l.startsWith(`${shown}:`));
      expect(errors).toHaveLength(1);
      expect(errors[0]!.startsWith(prefix), `${errors[0]} should start with ${prefix}`).toBe(true);
      expect(errors[0]!.slice(prefix.length)).toContain(fragment);
      expect(lines).toEqual([errors[0], '1 of 1 files have errors']);
      expect(run.err.join('\n')).not.toMatch(/^\s+at /m);
      expect(run.err.join('\n')).not.toContain('internal error');
    });

    it('parseStrategy throws a positioned strategy error', () => {
      // Arrange
      const text = readFileSync(join(MALFORMED_DIR, file), 'utf8');

      // Act
      const error = parseError(text, file);

      // Assert
      expect(STRATEGY_ERRORS).toContain(error.name);
      expect(error.pos).toMatchObject({ file, line, col });
      expect(error.message).toContain(fragment);
      expect(error.message).toMatch(POSITIONED_RE);
      expect(error.message).not.toContain('\n');
    });
  });

  it('rejects nesting deeper than MAX_DEPTH (1,100 nested groups) at the first level too deep', () => {
    // Arrange: each group opens '(' and '[' so level MAX_DEPTH + 1 is the '(' of group number 501.
    const levels = 1_100;
    const head = '(defsymphony\n "Deep"\n {}\n';
    const open = Array.from({ length: levels }, () => ' (group "g" [\n').join('');
    const close = `${']) '.repeat(levels)}\n)`;
    const text = `${head}${open}  (asset "SPY")\n${close}`;
    // defsymphony is level 1; group k opens levels 2k ('(' at col 2) and 2k + 1 ('[' at col 13), on line 3 + k.
    const tooDeep = MAX_DEPTH + 1;
    const group = Math.floor(tooDeep / 2);
    const line = 3 + group;
    const col = tooDeep % 2 === 0 ? 2 : 13;

    // Act
    const error = parseError(text, 'deep.clj');

    // Assert
    expect(error.name).toBe(ErrorNames.StrategySyntax);
    expect(error.message).toBe(`deep.clj:${line}:${col}: nesting deeper than ${MAX_DEPTH} levels`);
  });
});

/** Small real strategies, mutated by the fuzz. */
const SEEDS = ['gold.clj', 'gold_currency.clj', 'ftlt/holy_grail.clj', 'defence.clj'].map((f) =>
  readFileSync(join(FIXTURES, 'corpus', f), 'utf8'),
);
/** Characters that matter to the reader, plus a few that should never appear. */
const INTERESTING = '()[]{}";:\\ \n\r\t,.-+e0159AZaz#@~`\u00a0\u201c';

type Mutation =
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'insert'; readonly at: number; readonly ch: string }
  | { readonly op: 'swap'; readonly at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    ch: fc.oneof(fc.constantFrom(...INTERESTING), fc.string({ minLength: 1, maxLength: 1 })),
  }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat() }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    if (m.op === 'delete') out = out.slice(0, at) + out.slice(at + 1);
    else if (m.op === 'insert') out = out.slice(0, at) + m.ch + out.slice(at);
    else if (at + 1 < out.length) out = out.slice(0, at) + out[at + 1] + out[at] + out.slice(at + 2);
  }
  return out;
}

describe('parseStrategy fuzz', () => {
  it('either parses (and analyzes) or throws a positioned syntax/semantic error', () => {
    // Arrange
    const arb = fc.tuple(
      fc.constantFrom(...SEEDS.keys()),
      fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
    );

    // Act / Assert
    fc.assert(
      fc.property(arb, ([seed, mutations]) => {
        const text = mutate(SEEDS[seed]!, mutations);
        try {
          // `ensemble check` analyzes what parses: that must not throw either.
          analyzeStrategy(parseStrategy(text, 'fuzz.clj'));
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          const error = e as Error;
          expect(STRATEGY_ERRORS).toContain(error.name);
          expect(error.message).toMatch(POSITIONED_RE);
        }
      }),
      { numRuns: 1_000, seed: 20_240_611 },
    );
  });
});
