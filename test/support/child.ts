/**
 * The `ensemble` command as a user runs it — bin/ensemble.mjs in a child process of its own — for the tests
 * of kills, locks and hangs: run a command to its end (with a deadline: a command that hangs fails the
 * test instead of blocking it), or start one and kill it with SIGKILL at a chosen moment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, isStale } from '../../packages/cli/scripts/build.mjs';
import { REPO_ROOT } from './cli.ts';

export const BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'ensemble.mjs');

/** Bundles the CLI once, before the children start (else each would find it stale and rebuild it). */
export const bundleOnce = async (): Promise<void> => {
  if (isStale()) await build();
};

/** How a child ended. `timedOut`: it was still running at the deadline (then killed). */
export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

/** A started child: its output so far, a way to kill it, and its end. */
export interface RunningChild {
  readonly process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text` (rejects if the child ends first). */
  waitFor(text: string | RegExp): Promise<void>;
  readonly done: Promise<ChildResult>;
}

/** Starts `ensemble <args>` (environment: PATH and HOME only, plus `env`). */
export const start = (
  args: readonly string[],
  options: { env?: Record<string, string>; deadlineMs?: number } = {},
): RunningChild => {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers: { test: (s: string) => boolean; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of [...watchers]) if (w.test(out)) w.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.deadlineMs ?? 90_000);
  const done = new Promise<ChildResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out, stderr: err, ms: performance.now() - started, timedOut });
    });
  });
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        const test = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
        if (test(out)) return resolve();
        watchers.push({ test, resolve });
        void done.then(() => reject(new Error(`ended before printing ${text}:\n${out}\n${err}`)));
      }),
    done,
  };
};

/** Runs `ensemble <args>` to its end (killed and reported `timedOut` at the deadline). */
export const ensemble = (
  args: readonly string[],
  options: { env?: Record<string, string>; deadlineMs?: number } = {},
): Promise<ChildResult> => start(args, options).done;

/** The command a failure's output ends with (`Next: ensemble …`), as arguments; null when there is none. */
export const nextCommand = (r: Pick<ChildResult, 'stdout' | 'stderr'>): string[] | null => {
  const line = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('Next: ensemble '));
  if (!line) return null;
  // The commands the CLI prints quote only what needs it (single quotes).
  const args = line.slice('Next: ensemble '.length).match(/'[^']*'|\S+/g) ?? [];
  return args.map((a) => (a.startsWith("'") ? a.slice(1, -1) : a));
};

/** A small seeded generator (mulberry32): the same seed, the same kill moments. */
export const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
