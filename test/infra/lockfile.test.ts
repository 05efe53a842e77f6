/**
 * `npm ci` installs exactly what package-lock.json says and refuses a lockfile that misses a package some
 * locked package depends on. npm 11 can write a lockfile with only this machine's platform packages (e.g.
 * `@biomejs/cli-linux-x64` but not `@biomejs/cli-darwin-arm64`), which `npm ci` then rejects on every
 * machine. This resolves every dependency of every locked package the way npm does (nearest
 * `node_modules` up the path) and asks that each is locked, for every platform.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './derive.ts';

interface LockedPackage {
  version?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const lock: { lockfileVersion: number; packages: Record<string, LockedPackage> } = JSON.parse(
  readFileSync(join(ROOT, 'package-lock.json'), 'utf8'),
);

/** The lock key `name` resolves to from the package at `from` (`''` is the root), or null. */
const resolve = (from: string, name: string): string | null => {
  let dir = from;
  for (;;) {
    const key = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (key in lock.packages) return key;
    if (dir === '') return null;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
};

/** `from → name` for every declared dependency that resolves to no locked package. */
const missing = (kinds: readonly ('dependencies' | 'optionalDependencies' | 'devDependencies')[]): string[] =>
  Object.entries(lock.packages).flatMap(([key, pkg]) =>
    pkg.link
      ? []
      : kinds.flatMap((kind) =>
          Object.keys(pkg[kind] ?? {})
            .filter((name) => resolve(key, name) === null)
            .map((name) => `${key || '(root)'} → ${name}`),
        ),
  );

describe('package-lock.json', () => {
  it('is lockfile version 3', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it('locks every optional (platform) package of every locked package, for every platform', () => {
    expect(missing(['optionalDependencies'])).toEqual([]);
  });

  it('locks every dependency of every locked package, and the workspaces’ dev dependencies', () => {
    expect(missing(['dependencies', 'devDependencies'])).toEqual([]);
  });
});
