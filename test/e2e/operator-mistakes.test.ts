/**
 * The smaller operator mistakes and rough edges: each is refused before anything runs, with a message that
 * says what to do — never an internal error, a stack trace or a silently clean day — and the command leaves
 * no process behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, bundleOnce, ensemble } from '../support/child.ts';
import { REPO_ROOT, runCli, strategiesWith, tempDirs } from '../support/cli.ts';

const dirs = tempDirs('ensemble-mistakes-');
afterAll(dirs.cleanup);
beforeAll(bundleOnce, 120_000);

const noStack = (text: string) => {
  expect(text).not.toMatch(/internal error/);
  expect(text).not.toMatch(/\n\s+at \S+ \(/);
};

describe('refused before anything runs', () => {
  it.each([
    ['a misspelt step', 'exekute:gold:after-submit', /unknown step 'exekute' \(one of prepare-run, evaluate/],
    [
      'a misspelt point',
      'execute:gold:after-sbumit',
      /execute has no point 'after-sbumit' \(one of start, end, before-rails/,
    ],
    ['a strategy not in the config', 'execute:glod:after-submit', /not 'glod' \(one of \*, tqqq-ftlt/],
    ['a strategy scope on a run-level step', 'finalize:gold:start', /finalize runs for the run, not 'gold'/],
  ])('--fault with %s is a usage error (a typo never runs a clean day)', async (_, spec, message) => {
    const home = await dirs.make();
    const r = await runCli(['run', '--home', home, '--date', '2025-11-28', '--fault', spec]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(message);
    expect(r.out).toEqual([]);
  });

  it.each([
    ['an impossible date', '2025-02-30', /--date must be a date YYYY-MM-DD, not 2025-02-30/],
    [
      'a date outside the calendar',
      '2036-01-02',
      /--date 2036-01-02 is outside the market calendar Ensemble knows \(2010-01-01 to 2035-12-31\)/,
    ],
  ])('--date with %s is a usage error', async (_, date, message) => {
    const r = await runCli(['run', '--home', await dirs.make(), '--date', date]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(message);
  });

  it('a config with every strategy disabled is refused by validation, naming the kill switch', async () => {
    const dir = await dirs.make();
    const config = await strategiesWith(dir, {
      'ensemble.config.yaml': [
        'account: { startingCash: "100000", capitalPolicy: fixed }',
        'strategies:',
        '  - { id: gold, file: gold.clj, allocation: 0.5, flow: per-book, enabled: false }',
      ].join('\n'),
    });
    const r = await runCli(['run', '--home', await dirs.make(), '--config', config]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain(
      'no strategy is enabled: enable one (to stop all trading, use the kill switch instead)',
    );
  });

  it('a strategy file: that is not a .clj file is refused without reading it', async () => {
    const dir = await dirs.make();
    const config = await strategiesWith(dir, {
      'ensemble.config.yaml': [
        'account: { startingCash: "100000", capitalPolicy: fixed }',
        'strategies:',
        '  - { id: gold, file: /etc/passwd, allocation: 0.5, flow: per-book }',
      ].join('\n'),
    });
    const r = await runCli(['signals', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain('file must name a .clj strategy file');
    expect(r.err.join('\n')).not.toContain('root');
  });

  it('a config too wide for one Step Functions execution is refused before the run', async () => {
    const dir = await dirs.make();
    const entries = Array.from(
      { length: 713 },
      (_, i) => `  - { id: gold-${i}, file: gold.clj, allocation: 0.001, flow: per-book }`,
    );
    const config = await strategiesWith(dir, {
      'ensemble.config.yaml': [
        'account: { startingCash: "100000", capitalPolicy: fixed }',
        'strategies:',
        ...entries,
      ].join('\n'),
    });
    const home = await dirs.make();
    const r = await runCli(['run', '--home', home, '--config', config, '--date', '2025-11-28']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(
      /make a day of 20009 Step Functions history events.*"The history ceiling"/s,
    );
    expect(r.out).toEqual([]);
  }, 120_000);

  it('cloud status without an AWS region or credentials says what to configure', async () => {
    const home = await dirs.make();
    const r = await ensemble(['cloud', 'status', '--stage', 'dev'], { env: { HOME: home } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'ensemble cloud: no AWS region is configured: set AWS_REGION (e.g. AWS_REGION=us-east-1), or use a profile that has one (AWS_PROFILE)',
    );
    noStack(r.stderr);
  });
});

describe('no process left behind', () => {
  /** Runs the command as the leader of a process group of its own; returns what of the group is left after it exits. */
  const leftInGroup = (args: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        detached: true,
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', () => {
        const pgid = child.pid!;
        // Give a stray child a moment to show up, then list the group (zombies included).
        setTimeout(() => {
          let ps = '';
          try {
            ps = execFileSync('ps', ['-o', 'pid=,stat=,args=', '-g', String(pgid)], { encoding: 'utf8' });
          } catch {
            ps = ''; // ps exits 1 when the group is empty
          }
          resolve(ps.split('\n').filter((l) => l.trim() !== ''));
        }, 500);
      });
    });

  it('a run that had to rebuild the bundle leaves nothing in its process group (esbuild stopped)', async () => {
    // Mark an input of the bundle as changed, so this start rebuilds it.
    const input = join(REPO_ROOT, 'packages', 'cli', 'src', 'index.ts');
    const now = new Date();
    await utimes(input, now, now);
    const home = await dirs.make();
    expect(await leftInGroup(['run', '--home', home, '--date', '2025-11-20'])).toEqual([]);
    expect(await leftInGroup(['kill-switch', '--home', home])).toEqual([]);
  }, 180_000);
});
