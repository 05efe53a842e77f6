/**
 * How `ensemble backtest` shows its result: the performance report (core's `buildReport` over the backtest's
 * history) printed as `ensemble report` prints it (`formatReportText`), as its JSON contract (`--json`) and
 * as the self-contained page (`renderReportHtml`); `--flow compare` adds the two flows' differences (core's
 * `compareReports`). The backtest's own part is only how the sessions ended, and which paper books of
 * shadow mode it left out (they are never part of the account).
 */
import type { BacktestResult, ShadowLeftOut } from '@ensemble/app';
import { buildReport, compareReports, type PerformanceReport } from '@ensemble/core';
import { formatComparisonText, formatReportText, holdingsOf, renderReportHtml } from '@ensemble/report';

/** One backtest, or both flows of `--flow compare`. */
export type Backtested =
  | BacktestResult
  | { readonly 'per-book': BacktestResult; readonly aggregated: BacktestResult };

const isOne = (b: Backtested): b is BacktestResult => 'history' in b;

/** `--json`: the report (`{ compare: { 'per-book', aggregated }, differences }` for a comparison). */
export const renderJson = (b: Backtested): string => {
  if (isOne(b)) return JSON.stringify(buildReport(b.history));
  const perBook = buildReport(b['per-book'].history);
  const aggregated = buildReport(b.aggregated.history);
  return JSON.stringify({
    compare: { 'per-book': perBook, aggregated },
    differences: compareReports(perBook, aggregated),
  });
};

/** How the sessions ended: executions that failed, and strategies blocked or failed. */
const sessionLine = (r: BacktestResult): string => {
  const failed = r.sessions.filter((s) => s.status === 'FAILED').length;
  const count = (o: string) => r.sessions.filter((s) => Object.values(s.outcomes).includes(o)).length;
  return `Sessions: ${r.sessions.length}; a strategy BLOCKED on ${count('BLOCKED')}, FAILED on ${count('FAILED')}; executions failed: ${failed}`;
};

/** The paper books left out, in one line (none: no line). */
export const shadowNote = (b: Backtested): string[] => {
  const left: readonly ShadowLeftOut[] = isOne(b) ? b.shadowsLeftOut : b['per-book'].shadowsLeftOut;
  if (left.length === 0) return [];
  const paper = left.filter((s) => s.mode === 'shadow').map((s) => s.id);
  const shadowed = left.filter((s) => s.mode === 'live').map((s) => s.id);
  const parts = [
    ...(paper.length > 0 ? [`mode: shadow strategies ${paper.join(', ')} not run`] : []),
    ...(shadowed.length > 0 ? [`the paper books of ${shadowed.join(', ')} not kept`] : []),
  ];
  return [`Shadow mode left out (paper books are not part of the account): ${parts.join('; ')}`];
};

const textOf = (title: string, r: BacktestResult, report: PerformanceReport): string[] => [
  ...formatReportText(report, title),
  sessionLine(r),
];

/** The terminal summary (a comparison: the differences, then each flow's report). */
export const renderText = (b: Backtested): string[] => {
  if (isOne(b)) return [...textOf('Backtest', b, buildReport(b.history)), ...shadowNote(b)];
  const perBook = buildReport(b['per-book'].history);
  const aggregated = buildReport(b.aggregated.history);
  return [
    ...formatComparisonText(compareReports(perBook, aggregated)),
    '',
    ...textOf('Backtest per-book', b['per-book'], perBook),
    '',
    ...textOf('Backtest aggregated', b.aggregated, aggregated),
    ...shadowNote(b),
  ];
};

/** `--html`: the report's self-contained page (both flows side by side for a comparison). */
export const renderHtml = (b: Backtested): string => {
  const title = 'Ensemble backtest';
  if (isOne(b)) return renderReportHtml(buildReport(b.history), { title, holdings: holdingsOf(b.history) });
  return renderReportHtml(
    {
      compare: {
        'per-book': buildReport(b['per-book'].history),
        aggregated: buildReport(b.aggregated.history),
      },
    },
    {
      title,
      compareHoldings: {
        'per-book': holdingsOf(b['per-book'].history),
        aggregated: holdingsOf(b.aggregated.history),
      },
    },
  );
};
