/**
 * `ensemble backtest --csv DIR`: the history as plain CSV files, one row per session — `equity.csv` (every
 * unit's NAV and the benchmark's close), `flows.csv`, `traded.csv`, `holdings.csv` (date, unit, symbol,
 * market value) and `sessions.csv` (how each session's execution ended and each strategy's outcome).
 * `--flow compare` writes one folder per flow (`per-book/`, `aggregated/`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BacktestResult } from '@ensemble/app';
import type { Series, UnitHistory } from '@ensemble/core';

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
const field = (v: string): string => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

const lines = (rows: readonly (readonly string[])[]): string =>
  `${rows.map((r) => r.map(field).join(',')).join('\n')}\n`;

/** One column per series, one row per day any of them has (empty where a series has no value). */
const table = (columns: readonly { name: string; series: Series }[]): string => {
  const maps = columns.map((c) => new Map(c.series));
  const days = [...new Set(columns.flatMap((c) => c.series.map(([d]) => d)))].sort();
  return lines([
    ['date', ...columns.map((c) => c.name)],
    ...days.map((d) => [d, ...maps.map((m) => m.get(d) ?? '')]),
  ]);
};

/** Writes one backtest's CSV files into `dir`. */
const writeOne = async (dir: string, result: BacktestResult): Promise<void> => {
  const { history } = result;
  const units: UnitHistory[] = [
    history.account,
    ...history.strategies,
    ...(history.pool ? [history.pool] : []),
  ];
  const column = (pick: (u: UnitHistory) => Series | undefined) =>
    units.map((u) => ({ name: u.id, series: pick(u) ?? [] }));
  await mkdir(dir, { recursive: true });
  const benchmark = history.benchmark
    ? [{ name: `benchmark:${history.benchmark.symbol}`, series: history.benchmark.closes }]
    : [];
  const outcomes = history.strategies.map((s) => s.id);
  await Promise.all([
    writeFile(join(dir, 'equity.csv'), table([...column((u) => u.equity), ...benchmark])),
    writeFile(join(dir, 'flows.csv'), table(column((u) => u.flows))),
    writeFile(join(dir, 'traded.csv'), table(column((u) => u.traded))),
    writeFile(
      join(dir, 'holdings.csv'),
      lines([
        ['date', 'unit', 'symbol', 'value'],
        ...units.flatMap((u) =>
          u.holdings.flatMap(([day, values]) =>
            Object.entries(values).map(([symbol, value]) => [day, u.id, symbol, value]),
          ),
        ),
      ]),
    ),
    writeFile(
      join(dir, 'sessions.csv'),
      lines([
        ['date', 'execution', 'run', ...outcomes],
        ...result.sessions.map((s) => [
          s.day,
          s.status,
          s.runStatus ?? '',
          ...outcomes.map((id) => s.outcomes[id] ?? ''),
        ]),
      ]),
    ),
  ]);
};

/** Writes the CSV files of a backtest (or of both flows of a comparison) under `dir`. */
export const writeCsv = async (
  dir: string,
  results: BacktestResult | { readonly 'per-book': BacktestResult; readonly aggregated: BacktestResult },
): Promise<void> => {
  if ('history' in results) return writeOne(dir, results);
  await writeOne(join(dir, 'per-book'), results['per-book']);
  await writeOne(join(dir, 'aggregated'), results.aggregated);
};
