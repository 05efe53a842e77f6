/**
 * `ensemble report [--home DIR] [--from D] [--to D] [--json] [--html FILE]`: the performance report of the
 * recorded local days, read from the home's ledger (`historyFromLedger`: each book's NAV records, pool
 * members' attributed shares, fills and orders), with the benchmark and each book's holdings from the
 * world's market data. Text by default; `--json` the report object (the backtest's shape); `--html FILE`
 * the self-contained page.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { historyFromLedger } from '@ensemble/app';
import { buildReport, EnsembleError, ErrorNames } from '@ensemble/core';
import { formatReportText, holdingsOf, renderReportHtml } from '@ensemble/report';
import type { CliIO } from '../io.ts';
import { UsageError } from '../io.ts';
import { resolveHome } from '../local/home.ts';
import { openSession } from '../local/session.ts';

/** Nothing recorded to report on (no home, or no NAV in the range): exit 1 with one line. */
export class NoHistoryError extends EnsembleError {
  override readonly name = ErrorNames.NoHistory;
}

export interface ReportOptions {
  readonly config: string;
  readonly home?: string;
  readonly from?: string;
  readonly to?: string;
  readonly json: boolean;
  /** Write the HTML page here. */
  readonly html?: string;
  /** @default 'SPY' */
  readonly benchmark?: string;
}

export async function reportCommand(o: ReportOptions, io: CliIO): Promise<number> {
  if (o.from && o.to && o.from > o.to) throw new UsageError(`--from ${o.from} is after --to ${o.to}`);
  const home = resolveHome(o.home, io.env, io.cwd);
  if (!existsSync(home.db))
    throw new NoHistoryError(`${home.root} has no recorded days (run \`ensemble run\` first)`);
  const session = await openSession(home, resolve(io.cwd, o.config), { env: io.env });
  try {
    const history = await historyFromLedger(session.world.ledger, {
      config: session.config,
      ...(o.from ? { from: o.from } : {}),
      ...(o.to ? { to: o.to } : {}),
      marketData: session.world.marketData,
      ...(o.benchmark ? { benchmark: o.benchmark } : {}),
    });
    if (!history) {
      const range = o.from || o.to ? ` between ${o.from ?? 'the start'} and ${o.to ?? 'the end'}` : '';
      throw new NoHistoryError(`${home.root} has no recorded session${range}`);
    }
    const report = buildReport(history);
    if (o.html) {
      const path = resolve(io.cwd, o.html);
      await writeFile(
        path,
        renderReportHtml(report, { holdings: holdingsOf(history), title: 'Ensemble report' }),
      );
      if (!o.json) io.err(`HTML report: ${path}`);
    }
    if (o.json) io.out(JSON.stringify(report));
    else for (const line of formatReportText(report, 'Recorded days')) io.out(line);
    return 0;
  } finally {
    await session.close();
  }
}
