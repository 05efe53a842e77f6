/**
 * `ensemble backtest` through the CLI: what it prints and writes, and how it refuses bad input — one clear
 * line (a usage mistake: then the usage), exit 2 for a usage mistake and 1 for input the data or the files
 * cannot serve, never a stack trace.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDirs } from './support/cli.ts';

const dirs = tempDirs('ensemble-backtest-');
afterAll(dirs.cleanup);

/** The first line of the error output, and whether anything looks like a stack trace. */
const refusal = (err: readonly string[]) => {
  const text = err.join('\n');
  return { first: text.split('\n')[0], stack: /\n\s+at /.test(text) };
};

describe('ensemble backtest (bad input)', () => {
  it.each([
    [
      ['--from', '2025-11-10', '--to', '2025-11-01'],
      2,
      'ensemble: --from 2025-11-10 is after --to 2025-11-01',
    ],
    [['--from', '2025-13-01'], 2, 'ensemble: --from must be a date YYYY-MM-DD, not 2025-13-01'],
    [['--flow', 'sideways'], 2, 'ensemble: --flow must be as-configured, per-book, aggregated or compare'],
    [['--fee-bps=-1'], 2, 'ensemble: --fee-bps must be a number of basis points in [0, 10000)'],
    [
      ['--slippage-bps', 'lots'],
      2,
      'ensemble: --slippage-bps must be a number of basis points in [0, 10000)',
    ],
    [['extra'], 2, "ensemble: unexpected argument 'extra'"],
    [['--from', '2012-01-03'], 1, "--from 2012-01-03 is before the data's first session (2018-01-02)"],
    [['--to', '2031-01-02'], 1, "--to 2031-01-02 is after the data's last session (2025-12-01)"],
    [['--benchmark', 'NOPE'], 1, 'unknown benchmark NOPE: the market data has no bars of it'],
  ])('%j → exit %i, one line', async (args, code, line) => {
    // Act
    const run = await runCli(['backtest', ...args]);
    // Assert
    expect(run.code).toBe(code);
    expect(refusal(run.err)).toEqual({ first: line, stack: false });
    expect(run.out).toEqual([]);
  });

  it('refuses a config that does not exist, in one line', async () => {
    const run = await runCli(['backtest', '--config', 'no/such/ensemble.config.yaml']);
    expect(run.code).toBe(1);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(/no\/such\/ensemble\.config\.yaml: cannot read the config file: ENOENT/);
  });

  it('refuses a data folder that does not exist, in one line', async () => {
    const run = await runCli(['backtest', '--data', 'no/such/bars']);
    expect(run.code).toBe(1);
    expect(run.err).toHaveLength(1);
    expect(refusal(run.err).stack).toBe(false);
  });
});

describe('ensemble backtest', () => {
  const range = ['--from', '2025-11-24', '--to', '2025-11-28'];

  it('prints a summary, and writes the HTML page and the CSV files', async () => {
    // Arrange
    const dir = await dirs.make();
    // Act
    const run = await runCli([
      'backtest',
      ...range,
      '--html',
      join(dir, 'b.html'),
      '--csv',
      join(dir, 'csv'),
    ]);
    // Assert
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out[0]).toBe(
      'Backtest 2025-11-24 → 2025-11-28: 4 sessions, flow as-configured, starting cash $100,000.00',
    );
    expect(
      run.out.some((l) => /^Fills: at each session's close \(Composer's backtest convention\)/.test(l)),
    ).toBe(true);
    expect(run.out.some((l) => /^\s+account\s+\$[\d,.]+\s+[+−][\d.]+%/.test(l))).toBe(true);
    expect(run.out.some((l) => /^\s+SPY\s+benchmark\s+\$[\d,.]+/.test(l))).toBe(true);
    expect(run.out.at(-1)).toMatch(/^Sessions: 4;/);
    const html = await readFile(join(dir, 'b.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('Ensemble backtest');
    const equity = (await readFile(join(dir, 'csv', 'equity.csv'), 'utf8')).trim().split('\n');
    expect(equity[0]).toMatch(/^date,account,tqqq-ftlt,/);
    expect(equity.slice(1).map((l) => l.split(',')[0])).toEqual([
      '2025-11-24',
      '2025-11-25',
      '2025-11-26',
      '2025-11-28',
    ]);
    for (const f of ['flows.csv', 'traded.csv', 'holdings.csv', 'sessions.csv'])
      expect((await stat(join(dir, 'csv', f))).size).toBeGreaterThan(0);
  });

  it('--json prints one object; with --slippage-bps and --fee-bps the fills cost more', async () => {
    // Act
    const plain = await runCli(['backtest', ...range, '--json', '--benchmark', 'none']);
    const costly = await runCli(['backtest', ...range, '--json', '--slippage-bps', '10', '--fee-bps', '5']);
    // Assert
    expect([plain.code, costly.code]).toEqual([0, 0]);
    const a = JSON.parse(plain.out.join('\n'));
    const b = JSON.parse(costly.out.join('\n'));
    expect(a).toMatchObject({ from: '2025-11-24', to: '2025-11-28', sessions: 4, flow: 'as-configured' });
    expect(a.benchmark).toBeNull();
    expect(b.benchmark.symbol).toBe('SPY');
    expect(b.fills).toMatch(/10 bps slippage against the trader and fees of 5 bps of notional/);
    expect(b.account.metrics.fees).toBeGreaterThan(0);
    expect(a.account.metrics.fees).toBe(0);
    expect(Number(b.account.equity.at(-1)[1])).toBeLessThan(Number(a.account.equity.at(-1)[1]));
  });

  it('--flow compare runs every strategy per-book, then every one aggregated', async () => {
    const run = await runCli(['backtest', ...range, '--flow', 'compare', '--json']);
    expect(run.code, run.err.join('\n')).toBe(0);
    const { compare, differences } = JSON.parse(run.out.join('\n'));
    expect(differences.account.totalReturn).toEqual({
      perBook: compare['per-book'].account.metrics.totalReturn,
      aggregated: compare.aggregated.account.metrics.totalReturn,
      difference: expect.any(Number),
    });
    expect(differences.strategies).toHaveLength(10);
    expect(compare['per-book'].pool).toBeNull();
    expect(compare['per-book'].strategies.every((s: { flow: string }) => s.flow === 'per-book')).toBe(true);
    expect(compare.aggregated.pool.members).toHaveLength(10);
    expect(compare.aggregated.strategies.every((s: { flow: string }) => s.flow === 'aggregated')).toBe(true);
  });
});
