/** The `ensemble` command line, run in-process on the bundled data. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './support/cli.ts';

const corpus = (f: string) => join(FIXTURES, 'corpus', f);
const tmp = () => mkdtempSync(join(tmpdir(), 'ensemble-cli-'));

describe('ensemble evaluate', () => {
  it('prints weights and the trace as JSON', async () => {
    // Act
    const run = await runCli(['evaluate', corpus('gold.clj'), '--as-of', '2025-10-23', '--json', '--trace']);
    // Assert
    expect(run.code).toBe(0);
    const out = JSON.parse(run.out[0]!);
    expect(out).toMatchObject({ strategy: 'Golden Rotation 2x', asOf: '2025-10-23', session: '2025-10-23' });
    expect(out.weights).toEqual({ BIL: '1' });
    expect(out.trace.if).toBe('stdev-return(GLD,10) > stdev-return(GLD,100)');
  });

  it('uses the last session on or before a non-session date', async () => {
    // Act: 2025-10-25 is a Saturday
    const run = await runCli(['evaluate', corpus('gold.clj'), '--as-of', '2025-10-25', '--json']);
    // Assert
    expect(JSON.parse(run.out[0]!).session).toBe('2025-10-24');
  });

  it('fails closed with the symbol, indicator and bars when history is too short', async () => {
    // Arrange: SHNY starts trading on 2023-02-22; rsi 10 needs 11 bars
    const dir = tmp();
    const file = join(dir, 'late.clj');
    writeFileSync(
      file,
      '(defsymphony "late" {} (if (> (rsi "SHNY" {:window 10}) 50) [(asset "SPY")] [(asset "BIL")]))',
    );
    // Act
    const run = await runCli(['evaluate', file, '--as-of', '2023-03-01']);
    // Assert
    expect(run.code).toBe(1);
    expect(run.err).toEqual(['rsi(10) of SHNY as of 2023-03-01 needs 11 bars, 6 available']);
  });

  it('rejects a malformed date as a usage error', async () => {
    const run = await runCli(['evaluate', corpus('gold.clj'), '--as-of', '23/10/2025']);
    expect(run.code).toBe(2);
    expect(run.err[0]).toContain('--as-of must be a date YYYY-MM-DD');
  });
});

describe('ensemble evaluate --batch', () => {
  it('answers every line, reporting errors per line without stopping', async () => {
    // Arrange
    const dir = tmp();
    writeFileSync(join(dir, 'bad.clj'), '(defsymphony "x" {} (asset "spy"))');
    const input = join(dir, 'in.jsonl');
    writeFileSync(
      input,
      [
        { strategy: corpus('gold.clj'), asOf: '2025-10-23' },
        { strategy: join(dir, 'bad.clj'), asOf: '2025-10-23' },
        { strategy: corpus('ftlt/tqqq_ftlt_1.clj'), asOf: '2025-05-12' },
        { strategy: corpus('gold.clj'), asOf: '2024-01-02' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    // Act
    const run = await runCli(['evaluate', '--batch', input]);
    // Assert
    expect(run.code).toBe(0);
    const lines = run.out.map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0].weights).toEqual({ BIL: '1' });
    expect(lines[1].error).toMatch(/bad\.clj:1:28: invalid ticker "spy"/);
    expect(lines[2].error).toMatch(
      /MissingDataError: (DVAX|LULU|PCH): no bar on the as-of session; last bar 2025-04-04/,
    );
    expect(lines[3].weights).toBeDefined();
    expect(run.err).toContain('2 of 4 evaluations failed');
  });
});

describe('ensemble signals', () => {
  it('evaluates the default set on the last bundled session', async () => {
    // Act
    const run = await runCli(['signals', '--json']);
    // Assert
    expect(run.code).toBe(0);
    const out = JSON.parse(run.out[0]!);
    expect(out.asOf).toBe('2025-12-01');
    expect(out.strategies).toHaveLength(10);
    expect(out.strategies.every((s: { outcome: string }) => s.outcome === 'EVALUATED')).toBe(true);
  });

  it('blocks only the strategy whose data is stale while the others proceed', async () => {
    // Arrange: tqqq_ftlt_1 reads DVAX, LULU and PCH, whose data ends on 2025-04-04
    const dir = tmp();
    const config = join(dir, 'ensemble.config.yaml');
    writeFileSync(
      config,
      [
        'account: { startingCash: "100000", capitalPolicy: fixed }',
        'strategies:',
        `  - { id: stale, file: ${corpus('ftlt/tqqq_ftlt_1.clj')}, allocation: 0.5, flow: per-book }`,
        `  - { id: fresh, file: ${corpus('ftlt/tqqq_ftlt.clj')}, allocation: 0.5, flow: per-book }`,
      ].join('\n'),
    );
    // Act
    const run = await runCli(['signals', '--config', config, '--date', '2025-05-12', '--json']);
    // Assert
    expect(run.code).toBe(1);
    const [stale, fresh] = JSON.parse(run.out[0]!).strategies;
    expect(stale).toMatchObject({ id: 'stale', outcome: 'BLOCKED' });
    expect(stale.error).toBe('MissingDataError: DVAX: stale: last bar 2025-04-04 (as of 2025-05-12)');
    expect(fresh).toMatchObject({ id: 'fresh', outcome: 'EVALUATED' });
  });

  it('refuses a date that is not a session in the data instead of using older data', async () => {
    const run = await runCli(['signals', '--date', '2025-12-05']);
    expect(run.code).toBe(1);
    expect(run.err[0]).toContain('no session on 2025-12-05');
  });

  it('fails before evaluating anything when the config is invalid', async () => {
    // Arrange
    const dir = tmp();
    const config = join(dir, 'ensemble.config.yaml');
    writeFileSync(config, 'strategies:\n  - { id: a, file: nope.clj, allocation: 1.5, flow: pooled }\n');
    // Act
    const run = await runCli(['signals', '--config', config]);
    // Assert
    expect(run.code).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err.join('\n')).toMatch(/strategies\[0\] \(id "a"\)/);
  });
});

describe('ensemble (usage)', () => {
  it('exits 2 with usage on an unknown command', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.err[0]).toContain("unknown command 'frobnicate'");
  });
});
