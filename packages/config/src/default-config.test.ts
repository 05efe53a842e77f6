import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';
import { CONFIG_FILE_NAME } from './schema.ts';

/** The operator's folder at the repository root. */
const STRATEGIES_DIR = fileURLToPath(new URL('../../../strategies/', import.meta.url));

describe('the shipped strategies/ensemble.config.yaml', () => {
  it('loads with no error or warning, all ten enabled, allocations summing to exactly 1', async () => {
    // Arrange
    const path = `${STRATEGIES_DIR}${CONFIG_FILE_NAME}`;

    // Act
    const config = await loadConfig(path);

    // Assert
    expect(config.warnings).toEqual([]);
    expect(config.strategies).toHaveLength(10);
    expect(config.strategies.every((s) => s.enabled)).toBe(true);
    const sum = config.strategies.reduce((acc, s) => acc.plus(s.allocation), new Decimal(0));
    expect(sum.eq(1)).toBe(true);
  });

  it('names the pool corridor and the capital band apart, and rebalances capital weekly', async () => {
    // Act
    const config = await loadConfig(`${STRATEGIES_DIR}${CONFIG_FILE_NAME}`);

    // Assert
    expect(config.account).toEqual({
      startingCash: '100000',
      capitalPolicy: 'fixed',
      poolCorridor: 0.1,
      capitalRebalance: { band: 0.1, frequency: 'weekly' },
    });
  });

  it('exercises both flows: kmlm-switcher and gold-currency aggregated, the rest per-book', async () => {
    // Arrange
    const path = `${STRATEGIES_DIR}${CONFIG_FILE_NAME}`;

    // Act
    const config = await loadConfig(path);

    // Assert
    const aggregated = config.strategies.filter((s) => s.flow === 'aggregated').map((s) => s.id);
    expect(aggregated.sort()).toEqual(['gold-currency', 'kmlm-switcher']);
  });

  it('names each strategy after its file and leaves no strategy file unlisted', async () => {
    // Arrange
    const path = `${STRATEGIES_DIR}${CONFIG_FILE_NAME}`;
    const onDisk = (await readdir(STRATEGIES_DIR)).filter((f) => f.endsWith('.clj'));

    // Act
    const config = await loadConfig(path);

    // Assert
    for (const s of config.strategies) expect(s.id).toBe(basename(s.file, '.clj').replaceAll('_', '-'));
    expect(config.strategies.map((s) => s.file).sort()).toEqual(onDisk.sort());
    expect(await readFile(config.strategies[0]!.path, 'utf8')).toContain('(defsymphony');
  });
});
