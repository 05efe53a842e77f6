/**
 * Acceptance: `ensemble evaluate --batch` reproduces the independent reference engine's weights
 * (test/fixtures/reference, copied from the shared corpus) to 1e-9 per symbol, except the documented
 * deviations of docs/dsl.md. Runs on the bundled data, byte-identical to the shared market data.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './support/cli.ts';

interface RefLine {
  strategy: string;
  asOf: string;
  weights: Record<string, number>;
  strict: boolean;
}

/** Reference lines we knowingly differ on: each is explained in docs/dsl.md ("Deviations"). */
const DOCUMENTED_DEVIATIONS: Record<string, string> = {
  'vox_the_best.clj@2024-02-21':
    'D1: the reference keys group history by group name; vox has distinct groups sharing names',
  'ftl_starburst.clj@2025-05-23': 'D2: group RSI over the whole equity curve (reference: last n returns)',
  'ftl_starburst.clj@2025-08-08': 'D2: group RSI over the whole equity curve (reference: last n returns)',
  'hedged_sector_rotator.clj@2024-02-21':
    'D3: group cumulative-return 30 on the curve (reference: 45-day replay, then holdings)',
  'hedged_sector_rotator.clj@2025-08-08':
    'D3: group cumulative-return 30 on the curve (reference: 45-day replay, then holdings)',
};

const reference: RefLine[] = readFileSync(join(FIXTURES, 'reference/reference_weights.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as RefLine);

function matches(got: Record<string, string>, want: Record<string, number>): boolean {
  const symbols = new Set([...Object.keys(got), ...Object.keys(want)]);
  return [...symbols].every((s) => Math.abs(Number(got[s] ?? 0) - (want[s] ?? 0)) <= 1e-9);
}

describe('reference parity (evaluate --batch)', () => {
  const results = new Map<string, { weights?: Record<string, string>; error?: string }>();

  beforeAll(async () => {
    // Arrange: one batch input line per reference line
    const dir = mkdtempSync(join(tmpdir(), 'ensemble-parity-'));
    const input = join(dir, 'in.jsonl');
    writeFileSync(
      input,
      reference.map((r) => JSON.stringify({ strategy: r.strategy, asOf: r.asOf })).join('\n'),
    );
    // Act
    const run = await runCli(['evaluate', '--batch', input, '--root', join(FIXTURES, 'corpus')]);
    expect(run.code).toBe(0);
    for (const line of run.out) {
      const o = JSON.parse(line) as {
        strategy: string;
        asOf: string;
        weights?: Record<string, string>;
        error?: string;
      };
      results.set(`${o.strategy}@${o.asOf}`, o);
    }
  });

  it('answers every reference line, in order, with weights summing to exactly 1', () => {
    expect(results.size).toBe(reference.length);
    for (const r of results.values()) {
      expect(r.error).toBeUndefined();
      const sum = Object.values(r.weights ?? {}).reduce((a, w) => a + Number(w), 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    }
  });

  it.each(reference.map((r) => [`${r.strategy}@${r.asOf}`, r] as const))('%s', (key, ref) => {
    // Assert
    const got = results.get(key)?.weights ?? {};
    const deviation = DOCUMENTED_DEVIATIONS[key];
    if (deviation)
      expect(matches(got, ref.weights), `documented deviation now matches: ${deviation}`).toBe(false);
    else expect(got).toSatisfy((g: Record<string, string>) => matches(g, ref.weights));
  });
});
