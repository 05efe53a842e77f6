import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '@ensemble/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, driveDay, startWorld, stepsOf, type World } from '../testing/world.ts';

const D = '2025-11-28';

describe('shadow mode, step by step', () => {
  let world: World;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ensemble-shadow-'));
    await cp(dirname(DEFAULT_CONFIG), dir, { recursive: true });
    const path = join(dir, 'ensemble.config.yaml');
    const text = (await readFile(path, 'utf8'))
      .replace(
        '    flow: aggregated\n    enabled: true\n  - id: simons',
        '    flow: aggregated\n    shadow: per-book\n    enabled: true\n  - id: simons',
      )
      .concat(
        '  - id: trial\n    file: holy_grail.clj\n    allocation: 0.2\n    flow: per-book\n    mode: shadow\n',
      );
    await writeFile(path, text);
    world = await startWorld({ config: await loadConfig(path) });
  });
  afterAll(async () => {
    await world?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs', async () => {
    world.setDay(D);
    await driveDay(stepsOf(world), D);
    world.setDay('2025-12-01');
    const day = await driveDay(stepsOf(world), '2025-12-01');
    console.log(JSON.stringify(day.shadows), JSON.stringify(day.finalize));
    console.log(day.calls.filter((c) => c.error).map((c) => `${c.task} ${c.error}`));
    console.log(
      world.logs
        .filter((l) => l.level !== 'debug')
        .slice(-10)
        .map((l) => `${l.level} ${l.message} ${JSON.stringify(l.extra)}`)
        .join('\n'),
    );
    expect(day.finalize?.status).toBe('SUCCEEDED');
  });
});
