import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigInvalidError } from '@ensemble/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, loadConfigText, resolveStrategyFile } from './load.ts';

const CONFIG = '/cfg/ensemble.config.yaml';
const SPY = '(defsymphony "Spy" {} (weight-equal [(asset "SPY")]))';
const QQQ = '(defsymphony "Qqq" {} (weight-equal [(asset "QQQ")]))';

/** An in-memory file system for `readFile` injection: missing paths reject with `ENOENT`, as node's do. */
const fakeFs =
  (files: Record<string, string>) =>
  async (path: string): Promise<string> => {
    const text = files[path];
    if (text === undefined)
      throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    return text;
  };

interface Entry {
  id: string;
  file: string;
  allocation: number;
  flow?: string;
  enabled?: boolean;
}

/** Config YAML with a fixed account and the given strategies. */
const yaml = (entries: Entry[], account = 'startingCash: "100000"\n  capitalPolicy: fixed'): string =>
  `account:\n  ${account}\nstrategies:\n` +
  entries
    .map(
      (e) =>
        `  - id: ${e.id}\n    file: ${e.file}\n    allocation: ${e.allocation}\n    flow: ${e.flow ?? 'per-book'}\n` +
        (e.enabled === undefined ? '' : `    enabled: ${e.enabled}\n`),
    )
    .join('');

const files = fakeFs({ '/cfg/spy.clj': SPY, '/cfg/qqq.clj': QQQ });

/** Awaits `p`, expecting a ConfigInvalidError, and returns it. */
const invalid = async (p: Promise<unknown>): Promise<ConfigInvalidError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigInvalidError);
  return err as ConfigInvalidError;
};

describe('resolveStrategyFile', () => {
  it('resolves a file against the config folder, and keeps absolute paths', () => {
    // Arrange
    const config = 'strategies/ensemble.config.yaml';

    // Act
    const relative = resolveStrategyFile(config, 'sub/../gold.clj');
    const absolute = resolveStrategyFile(config, '/elsewhere/gold.clj');

    // Assert
    expect(relative).toBe(join('strategies', 'gold.clj'));
    expect(absolute).toBe('/elsewhere/gold.clj');
  });
});

describe('loadConfigText', () => {
  it('loads every entry with its parsed strategy and requirements', async () => {
    // Arrange
    const text = yaml([
      { id: 'spy', file: 'spy.clj', allocation: 1 },
      { id: 'qqq', file: 'qqq.clj', allocation: 0.4, flow: 'aggregated', enabled: false },
    ]);

    // Act
    const config = await loadConfigText(text, CONFIG, { readFile: files });

    // Assert
    expect(config.account).toEqual({ startingCash: '100000', capitalPolicy: 'fixed' });
    expect(config.strategies.map((s) => [s.id, s.flow, s.enabled, s.path])).toEqual([
      ['spy', 'per-book', true, '/cfg/spy.clj'],
      ['qqq', 'aggregated', false, '/cfg/qqq.clj'],
    ]);
    expect(config.strategies[0]!.strategy.name).toBe('Spy');
    expect(config.strategies[1]!.requirements.symbols).toEqual(['QQQ']);
    expect(config.warnings).toEqual([]);
  });

  it('reports a YAML syntax error at line:col', async () => {
    // Arrange
    const text = 'account:\n  startingCash: "100000"\n capitalPolicy: fixed\n';

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.issues).toEqual([
      '/cfg/ensemble.config.yaml:3:1: All mapping items must start at the same column',
    ]);
    expect(err.message).toMatch(/^\/cfg\/ensemble\.config\.yaml: invalid YAML\n/);
  });

  it('reports schema errors with their path, naming the entry', async () => {
    // Arrange
    const text = yaml([
      { id: 'spy', file: 'spy.clj', allocation: 0.5 },
      { id: 'qqq', file: 'qqq.clj', allocation: 0 },
    ]).replace('startingCash: "100000"', 'startingCash: 100000\n  driftBnad: 0.1');

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.issues).toEqual([
      'account.startingCash: Invalid input: expected string, received number (got 100000; quote it: "100000")',
      'account: Unrecognized key: "driftBnad"',
      'strategies[1] (id "qqq").allocation: allocation must be in (0, 1] (got 0)',
    ]);
  });

  it('rejects duplicate ids, naming both entries', async () => {
    // Arrange
    const text = yaml([
      { id: 'spy', file: 'spy.clj', allocation: 0.3 },
      { id: 'qqq', file: 'qqq.clj', allocation: 0.3 },
      { id: 'spy', file: 'qqq.clj', allocation: 0.3 },
    ]);

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.issues).toEqual(['strategies[2] (id "spy"): duplicate id, already used by strategies[0]']);
  });

  it('rejects enabled allocations summing over 1, ignoring disabled ones, naming the entries', async () => {
    // Arrange
    const text = yaml([
      { id: 'spy', file: 'spy.clj', allocation: 0.7 },
      { id: 'qqq', file: 'qqq.clj', allocation: 0.4 },
      { id: 'off', file: 'qqq.clj', allocation: 0.9, enabled: false },
    ]);

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.issues).toEqual([
      'allocations of enabled strategies sum to 1.1 (over 1): strategies[0] (id "spy") 0.7, strategies[1] (id "qqq") 0.4',
    ]);
  });

  it('leaves mode: shadow strategies out of the allocation sum (they are funded on paper)', async () => {
    // Arrange: live 0.7 + 0.3, and a paper strategy at 0.5
    const text = `${yaml([
      { id: 'spy', file: 'spy.clj', allocation: 0.7 },
      { id: 'qqq', file: 'qqq.clj', allocation: 0.3, flow: 'aggregated' },
    ])}  - id: trial\n    file: qqq.clj\n    allocation: 0.5\n    flow: per-book\n    mode: shadow\n`;

    // Act
    const config = await loadConfigText(text, CONFIG, { readFile: files });

    // Assert
    expect(config.warnings).toEqual([]);
    expect(config.strategies.map((s) => [s.id, s.mode, s.shadow])).toEqual([
      ['spy', 'live', undefined],
      ['qqq', 'live', undefined],
      ['trial', 'shadow', undefined],
    ]);
  });

  it('reports a shadow in the strategy’s own flow, naming the entry', async () => {
    // Arrange
    const text = `${yaml([{ id: 'spy', file: 'spy.clj', allocation: 0.5 }])}    shadow: per-book\n`;

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.issues).toEqual([
      'strategies[0] (id "spy").shadow: shadow must be the other flow than flow (per-book): aggregated',
    ]);
  });

  it('sums allocations exactly: 0.1 + 0.2 + 0.7 is 1, with no error and no warning', async () => {
    // Arrange
    const text = yaml([
      { id: 'a', file: 'spy.clj', allocation: 0.1 },
      { id: 'b', file: 'spy.clj', allocation: 0.2 },
      { id: 'c', file: 'qqq.clj', allocation: 0.7 },
    ]);

    // Act
    const config = await loadConfigText(text, CONFIG, { readFile: files });

    // Assert
    expect(config.warnings).toEqual([]);
  });

  it('tolerates an excess of at most 1e-9 over 1 (thirds written out)', async () => {
    // Arrange
    const text = yaml([
      { id: 'a', file: 'spy.clj', allocation: 0.3333333334 },
      { id: 'b', file: 'spy.clj', allocation: 0.3333333334 },
      { id: 'c', file: 'qqq.clj', allocation: 0.3333333334 },
    ]);

    // Act
    const config = await loadConfigText(text, CONFIG, { readFile: files });

    // Assert
    expect(config.strategies).toHaveLength(3);
    expect(config.warnings).toEqual([]);
  });

  it('rejects an unknown file, naming the entry', async () => {
    // Arrange
    const text = yaml([
      { id: 'spy', file: 'spy.clj', allocation: 0.5 },
      { id: 'gold', file: 'gold.clj', allocation: 0.5 },
    ]);

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.issues).toEqual(['strategies[1] (id "gold"): file not found: /cfg/gold.clj']);
  });

  it('rejects an unparsable file with the parser message at file:line:col, naming the entry', async () => {
    // Arrange
    const readFile = fakeFs({
      '/cfg/bad.clj': '(defsymphony "Bad" {}\n  (weight-equal [(frobnicate "SPY")]))',
    });
    const text = yaml([{ id: 'bad', file: 'bad.clj', allocation: 1 }]);

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile }));

    // Assert
    expect(err.issues).toEqual([
      'strategies[0] (id "bad"): cannot parse /cfg/bad.clj: /cfg/bad.clj:2:18: unknown operator \'frobnicate\'',
    ]);
  });

  it('rejects an unparsable file of a disabled strategy too', async () => {
    // Arrange
    const readFile = fakeFs({
      '/cfg/spy.clj': SPY,
      '/cfg/bad.clj': '(defsymphony "Bad" {}\n  (weight-equal [',
    });
    const text = yaml([
      { id: 'spy', file: 'spy.clj', allocation: 1 },
      { id: 'bad', file: 'bad.clj', allocation: 0.5, enabled: false },
    ]);

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile }));

    // Assert
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatch(
      /^strategies\[1\] \(id "bad"\): cannot parse \/cfg\/bad\.clj: \/cfg\/bad\.clj:2:\d+: /,
    );
  });

  it('rejects an unknown flow, naming the entry', async () => {
    // Arrange
    const text = yaml([{ id: 'spy', file: 'spy.clj', allocation: 1, flow: 'pooled' }]);

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.issues).toEqual([
      'strategies[0] (id "spy").flow: Invalid option: expected one of "per-book"|"aggregated" (got "pooled")',
    ]);
  });

  it('lists every problem of the config in one error', async () => {
    // Arrange
    const text = yaml([
      { id: 'spy', file: 'spy.clj', allocation: 0.6, flow: 'pooled' },
      { id: 'qqq', file: 'missing.clj', allocation: 0.6 },
      { id: 'qqq', file: 'qqq.clj', allocation: 0.1 },
    ]);

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.issues).toEqual([
      'strategies[0] (id "spy").flow: Invalid option: expected one of "per-book"|"aggregated" (got "pooled")',
      'strategies[2] (id "qqq"): duplicate id, already used by strategies[1]',
      'strategies[1] (id "qqq"): file not found: /cfg/missing.clj',
    ]);
    expect(err.message).toMatch(
      /^\/cfg\/ensemble\.config\.yaml: invalid configuration \(3 problems\)\n {2}- /,
    );
  });

  it('warns when enabled allocations sum under 1', async () => {
    // Arrange
    const text = yaml([
      { id: 'spy', file: 'spy.clj', allocation: 0.5 },
      { id: 'qqq', file: 'qqq.clj', allocation: 0.35 },
      { id: 'off', file: 'qqq.clj', allocation: 0.15, enabled: false },
    ]);

    // Act
    const config = await loadConfigText(text, CONFIG, { readFile: files });

    // Assert
    expect(config.warnings).toEqual([
      'allocations sum to 0.85: 15% of the account is allocated to no enabled strategy (a disabled strategy keeps the book it holds: the run report lists it under "orphaned books")',
    ]);
  });

  it('refuses a config with every strategy disabled (nothing could trade; the kill switch is for that)', async () => {
    // Arrange
    const text = yaml([{ id: 'spy', file: 'spy.clj', allocation: 0.5, enabled: false }]);

    // Act
    const load = loadConfigText(text, CONFIG, { readFile: files });

    // Assert
    await expect(load).rejects.toThrow(
      'no strategy is enabled: enable one (to stop all trading, use the kill switch instead)',
    );
  });

  it('does not warn about unallocated cash under the equal capital policy', async () => {
    // Arrange
    const text = yaml(
      [{ id: 'spy', file: 'spy.clj', allocation: 0.5 }],
      'startingCash: "100000"\n  capitalPolicy: equal',
    );

    // Act
    const config = await loadConfigText(text, CONFIG, { readFile: files });

    // Assert
    expect(config.warnings).toEqual([]);
  });
});

describe('account.driftBand (deprecated)', () => {
  it('is read as the pool corridor it always set, with a warning naming both settings', async () => {
    // Arrange
    const text = yaml(
      [{ id: 'spy', file: 'spy.clj', allocation: 1 }],
      'startingCash: "100000"\n  capitalPolicy: fixed\n  driftBand: 0.1',
    );

    // Act
    const config = await loadConfigText(text, CONFIG, { readFile: files });

    // Assert
    expect(config.account).toEqual({ startingCash: '100000', capitalPolicy: 'fixed', poolCorridor: 0.1 });
    expect(config.warnings).toEqual([
      "account.driftBand is deprecated: it sets the pool's corridor (absolute weight points), read as " +
        'poolCorridor: 0.1. Rename it to poolCorridor; capital rebalancing between books is ' +
        'account.capitalRebalance (a relative band and a frequency)',
    ]);
  });

  it('is refused next to poolCorridor', async () => {
    // Arrange
    const text = yaml(
      [{ id: 'spy', file: 'spy.clj', allocation: 1 }],
      'startingCash: "100000"\n  capitalPolicy: fixed\n  driftBand: 0.1\n  poolCorridor: 0.05',
    );

    // Act
    const err = await invalid(loadConfigText(text, CONFIG, { readFile: files }));

    // Assert
    expect(err.message).toMatch(/account\.driftBand is the old name of account\.poolCorridor/);
  });
});

describe('loadConfig', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ensemble-config-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the config and its strategy files from disk, relative to the config folder', async () => {
    // Arrange
    const path = join(dir, 'ensemble.config.yaml');
    await writeFile(join(dir, 'spy.clj'), SPY);
    await writeFile(path, yaml([{ id: 'spy', file: 'spy.clj', allocation: 1 }]));

    // Act
    const config = await loadConfig(path);

    // Assert
    expect(config.path).toBe(path);
    expect(config.strategies.map((s) => [s.id, s.path])).toEqual([['spy', join(dir, 'spy.clj')]]);
  });

  it('rejects a strategy file missing on disk, naming the entry', async () => {
    // Arrange
    const path = join(dir, 'ensemble.config.yaml');
    await writeFile(path, yaml([{ id: 'gold', file: 'gold.clj', allocation: 1 }]));

    // Act
    const err = await invalid(loadConfig(path));

    // Assert
    expect(err.issues).toEqual([`strategies[0] (id "gold"): file not found: ${join(dir, 'gold.clj')}`]);
  });

  it('fails with ConfigInvalidError when the config file itself is missing', async () => {
    // Arrange
    const path = join(dir, 'nope.yaml');

    // Act
    const err = await invalid(loadConfig(path));

    // Assert
    expect(err.message).toContain(`${path}: cannot read the config file`);
  });
});
