/**
 * Workflow benchmark (issue 5): one local trading day through the real steps, the same path as
 * `ensemble run` (see workflow-day.ts), each day in a fresh home and a process of its own.
 *
 * - the default strategy set (strategies/ensemble.config.yaml), median of {@link DEFAULT_REPEATS};
 * - generated sets of 10, 100 and 1,000 per-book strategies: files copied round-robin from the small files
 *   of strategies/, equal fixed allocations (1/N, which the schema accepts as any number in (0, 1]),
 *   {@link CASH_PER_BOOK} per book, and rails raised so notional limits block no order (the measure is the
 *   workflow's work, not the rails').
 *
 * The definition is the session's own (`buildDefinition` with the default Map MaxConcurrency).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { median } from './corpus.ts';
import type { DayFigures } from './workflow-day.ts';

/** The trading day every measurement runs. */
export const BENCH_DAY = '2025-11-28';
/** Runs of the default set (the median is reported). */
export const DEFAULT_REPEATS = 3;
/** Sizes of the generated sets. */
export const GENERATED_SIZES = [10, 100, 1000] as const;
/** Cash of each generated book (startingCash = N × this), so every book can buy whole shares. */
export const CASH_PER_BOOK = 100_000;
/** Strategy files of strategies/ at most this big are used by the generated sets (the 250 KB ones are not). */
const SMALL_FILE_BYTES = 32 * 1024;

const STRATEGIES = fileURLToPath(new URL('../../strategies/', import.meta.url));
const DAY_CHILD = fileURLToPath(new URL('./workflow-day.ts', import.meta.url));

export interface WorkflowBench {
  readonly day: string;
  /** The Map's MaxConcurrency as the session's definition sets it. */
  readonly maxConcurrency: number | null;
  readonly default: {
    readonly runs: DayFigures[];
    readonly medianExecutionMs: number;
    readonly medianRunDayMs: number;
    readonly medianStartupMs: number;
  };
  readonly generated: (DayFigures & { readonly files: string[] })[];
}

/** One day in a child process (cold process, fresh home); its figures. */
export function measureDay(configPath: string, day: string = BENCH_DAY): DayFigures {
  const out = execFileSync(process.execPath, ['--import', 'tsx', DAY_CHILD, configPath, day], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // stderr is captured (the AWS SDK's Node-version notice), and shown in the error if the child fails.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as DayFigures;
}

/** The small strategy files of strategies/, sorted. */
export function smallStrategyFiles(): string[] {
  return readdirSync(STRATEGIES)
    .filter((f) => f.endsWith('.clj') && statSync(join(STRATEGIES, f)).size <= SMALL_FILE_BYTES)
    .sort();
}

/** The text of a generated config of `n` per-book strategies over `files` (round-robin). */
export function generatedConfig(n: number, files: readonly string[]): string {
  const allocation = new Decimal(1).div(n).toDecimalPlaces(9, Decimal.ROUND_DOWN).toString();
  const cash = new Decimal(CASH_PER_BOOK).times(n).toFixed(0);
  // Twice the account covers a day that sells and buys everything; no rail then blocks an order.
  const limit = new Decimal(cash).times(2).toFixed(0);
  const lines = [
    'account:',
    `  startingCash: "${cash}"`,
    '  capitalPolicy: fixed',
    'rails:',
    `  maxOrderNotional: "${limit}"`,
    `  maxDailyNotionalPerBook: "${limit}"`,
    `  maxDailyNotionalPerAccount: "${limit}"`,
    'strategies:',
  ];
  const width = String(n).length;
  for (let i = 0; i < n; i++) {
    lines.push(
      `  - id: gen-${String(i + 1).padStart(width, '0')}`,
      `    file: ${files[i % files.length]}`,
      `    allocation: ${allocation}`,
      '    flow: per-book',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a generated config of `n` strategies (with copies of its files) into a temp folder. */
export function writeGeneratedConfig(n: number, files: readonly string[]): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), `ensemble-bench-config-${n}-`));
  for (const f of files) copyFileSync(join(STRATEGIES, f), join(dir, f));
  const path = join(dir, 'ensemble.config.yaml');
  writeFileSync(path, generatedConfig(n, files));
  return { path, dir };
}

export async function benchWorkflow(
  sizes: readonly number[] = GENERATED_SIZES,
  onProgress: (line: string) => void = () => {},
): Promise<WorkflowBench> {
  const runs: DayFigures[] = [];
  for (let k = 0; k < DEFAULT_REPEATS; k++) {
    runs.push(measureDay(join(STRATEGIES, 'ensemble.config.yaml')));
    onProgress(`default set, run ${k + 1}: ${(runs.at(-1)!.executionMs / 1000).toFixed(2)} s`);
  }
  const files = smallStrategyFiles();
  const generated: WorkflowBench['generated'] = [];
  for (const n of sizes) {
    const { path, dir } = writeGeneratedConfig(n, files);
    try {
      generated.push({ ...measureDay(path), files });
      onProgress(`${n} generated strategies: ${(generated.at(-1)!.executionMs / 1000).toFixed(2)} s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    day: BENCH_DAY,
    maxConcurrency: runs[0]?.maxConcurrency ?? null,
    default: {
      runs,
      medianExecutionMs: median(runs.map((r) => r.executionMs)),
      medianRunDayMs: median(runs.map((r) => r.runDayMs)),
      medianStartupMs: median(runs.map((r) => r.startupMs)),
    },
    generated,
  };
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
};

/** The benchmark as readable tables. */
export function formatWorkflow(wf: WorkflowBench): string[] {
  const d = wf.default;
  const sets = [
    ...d.runs.map((r, i) => ({ name: `default run ${i + 1}`, r })),
    ...wf.generated.map((r) => ({ name: `generated ${r.strategies}`, r })),
  ];
  const sum = (r: DayFigures, ...names: string[]) =>
    names.reduce((a, n) => a + (r.ledgerLists[n]?.items ?? 0), 0);
  return [
    `day ${wf.day}; Map MaxConcurrency ${wf.maxConcurrency ?? '?'}; each day in a fresh home and a fresh process`,
    `generated sets: per-book, ${CASH_PER_BOOK} cash per book, files round-robin: ${wf.generated[0]?.files.join(' ') ?? '-'}`,
    ...table(
      [
        'set',
        'strategies',
        'status',
        'execution',
        'per strategy',
        'runDay',
        'start-up',
        'transitions/strategy',
        'busiest',
        'orders',
        'filled',
        'failed',
        'largest payload',
        'peak RSS',
      ],
      sets.map(({ name, r }) => [
        name,
        String(r.strategies),
        r.status,
        sec(r.executionMs),
        `${(r.executionMs / Math.max(1, r.strategies)).toFixed(0)} ms`,
        sec(r.runDayMs),
        sec(r.startupMs),
        String(r.transitions.perStrategy),
        String(r.transitions.maxPerIteration),
        String(r.orders),
        String(r.filledOrders),
        String(r.outcomes.FAILED ?? 0),
        `${(r.largestPayload.bytes / 1024).toFixed(1)} KiB`,
        `${r.maxRssMb.toFixed(0)} MB`,
      ]),
    ),
    `default set, median of ${d.runs.length}: execution ${sec(d.medianExecutionMs)} (target ≤ 5 s), runDay ${sec(d.medianRunDayMs)}, start-up ${sec(d.medianStartupMs)}`,
    'execution = first to last event of the log; runDay = execution + saving the log + reconciliation + report;',
    'start-up = openSession (config and strategy files, dynalite on disk, tables), not part of runDay',
    '',
    'Where the time goes (handler times overlap inside the Map)',
    ...table(
      [
        'set',
        'before Map',
        'Map',
        'after Map',
        'Execute calls',
        'Execute mean',
        'retries',
        'caught',
        'orders-of-run items read',
        'cash-balance items read',
      ],
      sets.map(({ name, r }) => {
        const exec = r.tasks.Execute;
        return [
          name,
          sec(r.phasesMs.beforeMap),
          sec(r.phasesMs.map),
          sec(r.phasesMs.afterMap),
          String(exec?.calls ?? 0),
          exec ? `${(exec.totalMs / exec.calls).toFixed(0)} ms` : '-',
          Object.entries(r.retries)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || '0',
          String(r.caughtBranches),
          String(sum(r, 'listOrdersOfRun')),
          String(sum(r, 'listCashBalances')),
        ];
      }),
    ),
  ];
}
