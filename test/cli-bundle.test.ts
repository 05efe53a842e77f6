/**
 * The `ensemble` command as a user runs it: bin/ensemble.mjs starting the bundle in packages/cli/dist
 * (rebuilt first if stale), in a child process. The bundle must find what the sources find by path: the
 * bundled market data and the embedded database's worker thread.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { build, ENTRY_FILE, isStale, MANIFEST_FILE } from '../packages/cli/scripts/build.mjs';
import { REPO_ROOT, runCli, strategiesWith, tempDirs } from './support/cli.ts';

const BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'ensemble.mjs');
const dirs = tempDirs('ensemble-bundle-');
afterAll(() => dirs.cleanup());

/** Run the command in a child process; resolves with the exit code and both outputs, whatever the code. */
const ensemble = async (args: readonly string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

const CONFIG = `account:
  startingCash: "40000"
  capitalPolicy: fixed
strategies:
  - id: gold
    file: gold.clj
    allocation: 0.5
    flow: per-book
  - id: gold-currency
    file: gold_currency.clj
    allocation: 0.5
    flow: aggregated
`;

describe('the bundled command', () => {
  it('checks a strategy, printing what the sources print', async () => {
    const args = ['check', 'strategies/gold_currency.clj'];
    const child = await ensemble(args);
    const inProcess = await runCli(args);
    expect(child).toEqual({ code: 0, stdout: `${inProcess.out.join('\n')}\n`, stderr: '' });
  });

  it('maps a usage error to exit code 2', async () => {
    const child = await ensemble(['no-such-command']);
    expect(child.code).toBe(2);
    expect(child.stderr).toContain('Usage: ensemble <command>');
  });

  it('runs a local trading day on the embedded database (on its worker thread) and the bundled data', async () => {
    // Arrange: two strategies, one on its own book and one in the pool
    const home = await dirs.make();
    const config = await strategiesWith(await dirs.make(), { 'ensemble.config.yaml': CONFIG });
    // Act
    const day = await ensemble(['run', '--home', home, '--date', '2025-11-20', '--config', config, '--json']);
    // Assert
    expect(day.stderr).toBe('');
    expect(day.code).toBe(0);
    const report = JSON.parse(day.stdout.trim().split('\n').at(-1)!);
    expect(report).toMatchObject({
      tradingDay: '2025-11-20',
      status: 'SUCCEEDED',
      reconciliation: { ok: true },
    });
    expect(report.strategies.map((s: { id: string; outcome: string }) => [s.id, s.outcome])).toEqual([
      ['gold', 'TRADED'],
      ['gold-currency', 'TRADED'],
    ]);
  });
});

describe('the bundle’s staleness check', () => {
  it('is fresh after a build, and stale once an input changes, vanishes, or the entry is gone', async () => {
    // Arrange: a build in a folder of its own
    const outdir = await dirs.make();
    const inputs = await build(outdir);
    expect(inputs.map((f) => relative(REPO_ROOT, f))).toContain(join('packages', 'cli', 'src', 'main.ts'));
    expect(isStale(outdir)).toBe(false);
    // An input edited since: its recorded time no longer matches
    const manifestPath = join(outdir, MANIFEST_FILE);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    const input = join(outdir, 'input.ts');
    await writeFile(input, 'export {};\n');
    await utimes(input, 1_000, 1_000);
    const withInput = (mtimeMs: number) =>
      writeFile(
        manifestPath,
        JSON.stringify({ inputs: { ...manifest.inputs, [relative(REPO_ROOT, input)]: mtimeMs } }),
      );
    await withInput(1_000_000);
    expect(isStale(outdir)).toBe(false);
    await utimes(input, 2_000, 2_000);
    expect(isStale(outdir)).toBe(true);
    // An input deleted
    await withInput(2_000_000);
    expect(isStale(outdir)).toBe(false);
    await rm(input);
    expect(isStale(outdir)).toBe(true);
    // No entry
    await withInput(2_000_000);
    await rm(join(outdir, ENTRY_FILE));
    expect(isStale(outdir)).toBe(true);
  });
});
