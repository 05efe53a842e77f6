/**
 * A strategy disabled while its book holds shares: the book is not hidden. The run's report lists it as an
 * orphaned book (valued, with what it holds) and offers the ways out; `ensemble liquidate` sells it, exactly
 * once, and returns its cash to the account; the books still reconcile with the broker throughout.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, strategiesWith, tempDirs } from '../support/cli.ts';

const dirs = tempDirs('ensemble-orphans-');
afterAll(dirs.cleanup);

interface DayJson {
  strategies: { id: string }[];
  orphans: {
    strategyId: string;
    cash: string;
    positions: { symbol: string; qty: string }[];
    nav: string | null;
  }[];
  reconciliation: { ok: boolean };
}

describe('the book of a disabled strategy', () => {
  it('is shown as orphaned, and liquidate sells it once and returns its cash to the account', async () => {
    const home = await dirs.make();
    const config = await strategiesWith(await dirs.make(), {});
    const first = await runCli(['run', '--json', '--home', home, '--config', config, '--date', '2025-11-26']);
    expect(first.code, first.err.join('\n')).toBe(0);
    expect((JSON.parse(first.out.at(-1)!) as DayJson).orphans).toEqual([]);

    // The operator disables soxl-growth, which holds SOXL.
    const yaml = await readFile(config, 'utf8');
    const disabled = yaml.replace(
      /(- id: soxl-growth\n(?: {4}\w+: .*\n)*? {4})enabled: true/,
      '$1enabled: false',
    );
    expect(disabled).not.toBe(yaml);
    await writeFile(config, disabled);

    const next = await runCli(['run', '--home', home, '--config', config, '--date', '2025-11-28']);
    expect(next.code, next.err.join('\n')).toBe(0);
    expect(next.err.join('\n')).toContain('a disabled strategy keeps the book it holds');
    expect(next.err.join('\n')).not.toContain('stays unallocated cash');
    const text = next.out.join('\n');
    expect(text).toMatch(
      /Orphaned books — strategies no longer enabled, whose books nothing manages:\n {2}soxl-growth +NAV +[\d.]+ +cash [\d.]+ +SOXL [\d.]+ sh/,
    );
    expect(text).toContain('ensemble liquidate <strategy>');

    const json = await runCli(['run', '--json', '--home', home, '--config', config, '--date', '2025-11-28']);
    const day = JSON.parse(json.out.at(-1)!) as DayJson;
    expect(day.strategies.map((s) => s.id)).not.toContain('soxl-growth');
    expect(day.orphans.map((o) => [o.strategyId, o.positions.map((p) => p.symbol)])).toEqual([
      ['soxl-growth', ['SOXL']],
    ]);

    const sold = await runCli([
      'liquidate',
      'soxl-growth',
      '--home',
      home,
      '--config',
      config,
      '--date',
      '2025-11-28',
    ]);
    expect(sold.code, [...sold.out, ...sold.err].join('\n')).toBe(0);
    expect(sold.out.join('\n')).toMatch(/sell SOXL +[\d.]+ sh {2}\$[\d.]+ {2}FILLED/);
    expect(sold.out.join('\n')).toMatch(/\$[\d.]+ returned to the account's unallocated cash/);
    expect(sold.out.join('\n')).toContain('Reconciliation: OK');
    // Again: nothing left, nothing sold twice.
    const again = await runCli([
      'liquidate',
      'soxl-growth',
      '--home',
      home,
      '--config',
      config,
      '--date',
      '2025-11-28',
    ]);
    expect(again.code).toBe(0);
    expect(again.out).toEqual(["soxl-growth's book holds nothing: nothing to liquidate"]);
    // An enabled strategy is not liquidated.
    const enabled = await runCli(['liquidate', 'gold', '--home', home, '--config', config]);
    expect(enabled.code).toBe(2);

    const after = await runCli(['run', '--json', '--home', home, '--config', config, '--date', '2025-12-01']);
    const last = JSON.parse(after.out.at(-1)!) as DayJson;
    expect(last.orphans).toEqual([]);
    expect(last.reconciliation.ok).toBe(true);
  }, 300_000);
});
