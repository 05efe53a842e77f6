/** Finding and parsing `.clj` files for the CLI. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseStrategy, type Strategy } from '@ensemble/core';

/** Every `.clj` file under the given files or folders (folders recursively), sorted. */
export async function findStrategyFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const s = await stat(abs);
    if (s.isDirectory()) {
      const entries = await readdir(abs, { recursive: true, withFileTypes: true });
      for (const e of entries) {
        if (e.isFile() && e.name.endsWith('.clj')) out.push(join(e.parentPath, e.name));
      }
    } else out.push(abs);
  }
  return [...new Set(out)].sort();
}

/** Read and parse one file; error positions name the path as given relative to `cwd`. */
export async function loadStrategyFile(path: string, cwd: string): Promise<Strategy> {
  const abs = resolve(cwd, path);
  const text = await readFile(abs, 'utf8');
  return parseStrategy(text, displayPath(abs, cwd));
}

export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel.startsWith('..') ? abs : rel;
}
