/** Run the CLI in-process with captured output. */
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
