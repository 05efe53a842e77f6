/**
 * Backtest benchmark (issue 14), each measurement a whole process pinned to one core (`taskset -c 0`), its
 * wall time, CPU time and peak RSS read by `/usr/bin/time`:
 *
 * - the default set (strategies/ensemble.config.yaml) through `ensemble backtest --json` (the CLI bundle),
 *   over the default range (from the first session every strategy can be evaluated on) and over the whole
 *   bundled history (`--from` its first session);
 * - the 19 corpus strategies (test/fixtures/corpus), each alone on its own book with the account's whole
 *   capital, one after another in one process (backtest-corpus.ts, bundled with esbuild as the CLI is), each
 *   from its own first evaluable session; rails raised so that no notional limit blocks an order (the
 *   measure is the backtest's work, not the rails'), the collector run between two strategies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'packages/cli/bin/ensemble.mjs');

/** One process: what it cost, and what it printed on stdout. */
export interface ProcessFigures {
  readonly label: string;
  readonly wallS: number;
  readonly cpuS: number;
  readonly maxRssMb: number;
  readonly sessions: number;
}

/** Runs `node args…` pinned to core 0 under /usr/bin/time; parses `%e %U %S %M` from its last stderr line. */
const measure = (
  label: string,
  args: readonly string[],
  sessionsOf: (stdout: string) => number,
): ProcessFigures => {
  const r = spawnSync(
    'taskset',
    ['-c', '0', '/usr/bin/time', '-f', '%e %U %S %M', process.execPath, ...args],
    {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rss] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return {
    label,
    wallS: wall!,
    cpuS: user! + sys!,
    maxRssMb: rss! / 1024,
    sessions: sessionsOf(r.stdout),
  };
};

/** Sessions of an `ensemble backtest --json` object. */
const cliSessions = (stdout: string): number => (JSON.parse(stdout) as { sessions: number }).sessions;

export interface BacktestBench {
  readonly load: string;
  readonly runs: ProcessFigures[];
  readonly corpus: { readonly figures: ProcessFigures; readonly perStrategy: unknown[] } | null;
}

/** Which measurements to take: both (the default), the default set only, or the corpus only. */
export type BacktestParts = 'all' | 'default' | 'corpus';

export async function benchBacktest(
  parts: BacktestParts = 'all',
  onProgress: (line: string) => void = () => {},
): Promise<BacktestBench> {
  // Build the CLI bundle first (a changed source rebuilds it on the next start; that is not measured).
  execFileSync(process.execPath, [CLI, 'help'], { cwd: REPO, stdio: 'ignore' });
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const runs =
    parts === 'corpus'
      ? []
      : [
          measure('default set, default range', [CLI, 'backtest', '--json'], cliSessions),
          measure(
            'default set, whole history',
            [CLI, 'backtest', '--json', '--from', '2018-01-02'],
            cliSessions,
          ),
        ];
  for (const r of runs) onProgress(`${r.label}: ${r.wallS.toFixed(2)} s wall, ${r.cpuS.toFixed(2)} s CPU`);
  if (parts === 'default') return { load, runs, corpus: null };
  const dir = mkdtempSync(join(tmpdir(), 'ensemble-bench-backtest-'));
  try {
    const child = join(dir, 'backtest-corpus.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./backtest-corpus.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'error',
      // Everything bundled but what a memory backtest never loads (the embedded database, the AWS SDK).
      external: ['dynalite', '@aws-sdk/*'],
      banner: {
        // Aliased: a bundled module may import createRequire itself (the report package does).
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      outfile: child,
    });
    let perStrategy: unknown[] = [];
    const figures = measure(
      '19 corpus strategies, each alone per-book',
      ['--expose-gc', child, REPO, dir],
      (out) => {
        const parsed = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
          strategies: { sessions: number }[];
        };
        perStrategy = parsed.strategies;
        return parsed.strategies.reduce((a, s) => a + s.sessions, 0);
      },
    );
    onProgress(`${figures.label}: ${figures.wallS.toFixed(2)} s wall, ${figures.cpuS.toFixed(2)} s CPU`);
    return { load, runs, corpus: { figures, perStrategy } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatBacktest(b: BacktestBench): string[] {
  const rows = [...b.runs, ...(b.corpus ? [b.corpus.figures] : [])].map((r) => [
    r.label,
    String(r.sessions),
    r.wallS.toFixed(2),
    r.cpuS.toFixed(2),
    r.maxRssMb.toFixed(0),
  ]);
  const header = ['backtest (one core)', 'sessions', 'wall s', 'CPU s', 'peak RSS MB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`machine load: ${b.load}`, line(header), ...rows.map(line)];
}

/** The instruction count of one backtest process (`valgrind --tool=cachegrind`). */
export interface InstructionFigures {
  readonly args: readonly string[];
  readonly sessions: number;
  /** Instructions the whole process executed (start-up included). */
  readonly instructions: number;
  readonly wallS: number;
}

/**
 * The default set's backtest from `from` under cachegrind, counting instructions: unlike seconds, the count
 * does not move with the machine's load or speed (two runs of one build agree within about 2 %, JIT and
 * GC timing). Null when valgrind is not installed. About 90 s for the 190 sessions from 2025-03-03.
 */
export function benchInstructions(from = '2025-03-03'): InstructionFigures | null {
  if (spawnSync('valgrind', ['--version']).status !== 0) return null;
  // Build the CLI bundle first, outside the count.
  execFileSync(process.execPath, [CLI, 'help'], { cwd: REPO, stdio: 'ignore' });
  const args = ['backtest', '--json', '--from', from];
  const started = performance.now();
  const r = spawnSync(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      '--cachegrind-out-file=/dev/null',
      process.execPath,
      CLI,
      ...args,
    ],
    { cwd: REPO, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
  );
  if (r.status !== 0)
    throw new Error(`backtest under valgrind failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const refs = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (!refs) throw new Error(`no instruction count in valgrind's output: ${r.stderr.slice(-2000)}`);
  return {
    args,
    sessions: cliSessions(r.stdout),
    instructions: Number(refs[1]!.replaceAll(',', '')),
    wallS: (performance.now() - started) / 1000,
  };
}
