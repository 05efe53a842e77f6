/** Run the CLI in-process with captured output. */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@ensemble/cli';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** `env` is the CLI's environment (default: empty, so nothing leaks in from the test process). */
export async function runCli(
  argv: readonly string[],
  cwd: string = REPO_ROOT,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd, env });
  return { code, out, err };
}

/** Temporary folders (homes, config copies) made by a test file, removed by `cleanup` (call it in afterAll). */
export function tempDirs(prefix: string): { make(): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = [];
  return {
    async make() {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/**
 * A copy of the operator's `strategies/` folder in `dir` with some files replaced (name → content); returns
 * the copy's `ensemble.config.yaml`.
 */
export async function strategiesWith(dir: string, files: Record<string, string>): Promise<string> {
  await cp(join(REPO_ROOT, 'strategies'), dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return join(dir, 'ensemble.config.yaml');
}
