/** `ensemble check`: the real corpus, folders mixing good and bad files, and very deep nesting. */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_DEPTH } from '@ensemble/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './support/cli.ts';

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

/**
 * A valid strategy whose nodes nest `nodes` deep, cycling through group, if and weight-equal; each
 * node opens a list and a vector, so with the innermost asset the bracket depth is 2 × nodes + 2.
 */
function deepStrategy(nodes: number): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let k = 0; k < nodes; k++) {
    const indent = ' '.repeat(1 + (k % 40));
    switch (k % 3) {
      case 0:
        open.push(`${indent}(group "level ${k}" [\n`);
        close.push('])');
        break;
      case 1:
        open.push(`${indent}(if (> (rsi "SPY" {:window ${k}}) 50) [(asset "BIL")] [\n`);
        close.push('])');
        break;
      default:
        open.push(`${indent}(weight-equal [(asset "TLT")\n`);
        close.push('])');
    }
  }
  return `(defsymphony\n "Deep ${nodes}"\n {:asset-class "EQUITIES"}\n${open.join('')}  (asset "SPY")\n${close.reverse().join('')}\n)\n`;
}

/** `levels` nested groups around an asset: bracket depth 2 × levels + 2. */
function nestedGroups(levels: number): string {
  const open = ' (group "g" [\n'.repeat(levels);
  return `(defsymphony\n "Too deep"\n {}\n${open}  (asset "SPY")\n${'])'.repeat(levels)}\n)\n`;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ensemble-check-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ensemble check', () => {
  it('accepts the whole corpus (19 files)', async () => {
    // Arrange
    const expected = CORPUS_FILES.map((f) => `test/fixtures/corpus/${f}`);

    // Act
    const run = await runCli(['check', 'test/fixtures/corpus']);

    // Assert
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(19);
    expect(run.out.map((l) => /^ok (\S+): "/.exec(l)?.[1])).toEqual(expected);
    expect(run.out[0]).toMatch(/^ok test\/fixtures\/corpus\/defence\.clj: ".*", 12 symbols, up to \d+ bars$/);
  });

  it('reports only the bad files of a folder mixing good and bad ones', async () => {
    // Arrange
    const mixed = join(dir, 'mixed');
    mkdirSync(join(mixed, 'nested'), { recursive: true });
    copyFileSync(join(FIXTURES, 'corpus/gold.clj'), join(mixed, 'a_gold.clj'));
    copyFileSync(join(FIXTURES, 'corpus/ftlt/holy_grail.clj'), join(mixed, 'nested/c_holy_grail.clj'));
    copyFileSync(join(FIXTURES, 'malformed/ticker_lowercase.clj'), join(mixed, 'b_bad_ticker.clj'));
    copyFileSync(join(FIXTURES, 'malformed/unclosed_brace.clj'), join(mixed, 'nested/d_truncated.clj'));
    writeFileSync(join(mixed, 'notes.txt'), 'not a strategy (');

    // Act
    const run = await runCli(['check', 'mixed'], dir);

    // Assert
    expect(run.code).toBe(1);
    expect(run.out).toEqual([
      expect.stringMatching(/^ok mixed\/a_gold\.clj: "Golden Rotation 2x", 4 symbols/),
      expect.stringMatching(/^ok mixed\/nested\/c_holy_grail\.clj: "The Holy Grail", 6 symbols/),
    ]);
    expect(run.err).toEqual([
      "mixed/b_bad_ticker.clj:6:11: invalid ticker \"spy\" (uppercase letters, digits, '.', '/', '-')",
      "mixed/nested/d_truncated.clj:7:19: '{' is never closed (expected '}')",
      '2 of 4 files have errors',
    ]);
  });

  it('parses a valid strategy nested 400 nodes deep (802 bracket levels)', async () => {
    // Arrange
    const nodes = 400;
    expect(2 * nodes + 2).toBeLessThanOrEqual(MAX_DEPTH);
    writeFileSync(join(dir, 'deep400.clj'), deepStrategy(nodes));

    // Act
    const run = await runCli(['check', 'deep400.clj'], dir);

    // Assert
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    // The if at k = 397 reads rsi 397 → 398 bars; symbols SPY, BIL, TLT.
    expect(run.out).toEqual(['ok deep400.clj: "Deep 400", 3 symbols, up to 398 bars']);
  });

  it('rejects 2,000 levels of nesting with the positioned depth message, without overflowing the stack', async () => {
    // Arrange: 1,000 groups → 2,002 levels. defsymphony is level 1, group k opens levels 2k ('(' at
    // col 2) and 2k + 1 ('[' at col 13) on line 3 + k: level MAX_DEPTH + 1 is where reading stops.
    writeFileSync(join(dir, 'deep2000.clj'), nestedGroups(1_000));
    const group = Math.floor((MAX_DEPTH + 1) / 2);
    const col = (MAX_DEPTH + 1) % 2 === 0 ? 2 : 13;

    // Act
    const run = await runCli(['check', 'deep2000.clj'], dir);

    // Assert
    expect(run.code).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err).toEqual([
      `deep2000.clj:${3 + group}:${col}: nesting deeper than ${MAX_DEPTH} levels`,
      '1 of 1 files have errors',
    ]);
  });

  it('accepts nesting exactly at MAX_DEPTH and rejects one level more', async () => {
    // Arrange: n groups around an asset reach 2n + 2 levels.
    const fits = Math.floor((MAX_DEPTH - 2) / 2);
    expect(2 * fits + 2).toBe(MAX_DEPTH);
    writeFileSync(join(dir, 'fits.clj'), nestedGroups(fits));
    writeFileSync(join(dir, 'over.clj'), nestedGroups(fits + 1));

    // Act
    const ok = await runCli(['check', 'fits.clj'], dir);
    const over = await runCli(['check', 'over.clj'], dir);

    // Assert
    expect(ok.code).toBe(0);
    expect(over.code).toBe(1);
    expect(over.err[0]).toMatch(
      new RegExp(`^over\\.clj:\\d+:\\d+: nesting deeper than ${MAX_DEPTH} levels$`),
    );
  });

  it('knows every .clj file of the corpus', () => {
    // Arrange / Act
    const names = readdirSync(join(FIXTURES, 'corpus'), { recursive: true }) as string[];

    // Assert
    expect(names.filter((n) => n.endsWith('.clj')).sort()).toEqual([...CORPUS_FILES].sort());
  });
});
