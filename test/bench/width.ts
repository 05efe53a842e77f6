/**
 * Width benchmark (issue 17, item 11): ONE strategy holding N synthetic symbols at equal weight, a trading day
 * through the real steps (see width-day.ts), each width in a process of its own; and the core planner alone
 * at the same widths (width-planner.ts).
 *
 * - "plan" widths (default 1,000, 10,000, 100,000): the kill switch is on, so PrepareRun, Evaluate,
 *   PlanRebalance, Execute and Finalize run on the real path but no order is placed. The ledger keeps a
 *   strategy's signal and a book's plan as one item each (DynamoDB's 400 KB), so beyond a few thousand
 *   symbols recordPlan and then recordSignal refuse the item: the branch fails there (the table shows it)
 *   and the steps after it do not run; the core planner's own figures cover those widths.
 * - "trade" widths (default 250, 500, 1,000): every order placed and filled on the SimBroker through the
 *   ledger, on the first day (from cash: N buys) and the next (a daily rebalance).
 *
 * The growth factor of a step is its time at a width over its time at the previous width; the widths grow
 * by the factor printed beside it (equal factors: linear).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WidthFigures } from './width-day.ts';
import { benchWidthPlanner, type PlannerFigures } from './width-planner.ts';
import { BENCH_DAY } from './workflow.ts';

export const PLAN_WIDTHS = [1_000, 10_000, 100_000] as const;
export const TRADE_WIDTHS = [250, 500, 1_000] as const;
/** The steps in workflow order, as the tables show them. */
const STEPS = ['PrepareRun', 'Evaluate', 'PlanRebalance', 'Execute', 'RecordBranchFailure', 'Finalize'];

const DAY_CHILD = fileURLToPath(new URL('./width-day.ts', import.meta.url));

export interface WidthBench {
  readonly day: string;
  readonly plan: WidthFigures[];
  readonly trade: WidthFigures[];
  readonly planner: PlannerFigures[];
}

/** One width in a child process. */
export const measureWidth = (n: number, mode: 'plan' | 'trade', day: string = BENCH_DAY): WidthFigures => {
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=8192', '--import', 'tsx', DAY_CHILD, String(n), day, mode],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as WidthFigures;
};

export const benchWidth = (
  planWidths: readonly number[] = PLAN_WIDTHS,
  tradeWidths: readonly number[] = TRADE_WIDTHS,
  onProgress: (line: string) => void = () => {},
): WidthBench => {
  const planner: PlannerFigures[] = [];
  for (const n of planWidths) {
    planner.push(benchWidthPlanner(n));
    onProgress(`core planner, ${n} symbols: ${planner.at(-1)!.fromCashMs.toFixed(0)} ms from cash`);
  }
  const plan: WidthFigures[] = [];
  for (const n of planWidths) {
    plan.push(measureWidth(n, 'plan'));
    onProgress(`plan, ${n} symbols: ${sec(plan.at(-1)!.days.reduce((a, d) => a + d.totalMs, 0))}`);
  }
  const trade: WidthFigures[] = [];
  for (const n of tradeWidths) {
    trade.push(measureWidth(n, 'trade'));
    onProgress(`trade, ${n} symbols: ${sec(trade.at(-1)!.days.reduce((a, d) => a + d.totalMs, 0))}`);
  }
  return { day: BENCH_DAY, plan, trade, planner };
};

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ms = (x: number | undefined) => (x === undefined ? '-' : x >= 10_000 ? sec(x) : `${x.toFixed(0)} ms`);
const growth = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || a <= 0 ? '' : ` ×${(b / a).toFixed(1)}`;
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
};

/** Rows of one mode: per width and day, each step's time and its growth over the previous width. */
const stepRows = (runs: readonly WidthFigures[]): string[][] => {
  const rows: string[][] = [];
  runs.forEach((r, i) => {
    const prev = runs[i - 1];
    r.days.forEach((d, k) => {
      const p = prev?.days[k];
      rows.push([
        `${r.n}${prev ? ` (×${(r.n / prev.n).toFixed(1)})` : ''}`,
        k === 0 ? 'first (cash)' : 'next',
        ...STEPS.map((s) => `${ms(d.stepsMs[s])}${growth(p?.stepsMs[s], d.stepsMs[s])}`),
        `${ms(d.totalMs)}${growth(p?.totalMs, d.totalMs)}`,
        d.status,
        `${d.orders}/${d.filled}`,
        k === 0 ? `${r.maxRssMb.toFixed(0)} MB` : '',
      ]);
    });
  });
  return rows;
};

/** The benchmark as readable tables. */
export function formatWidth(b: WidthBench): string[] {
  const header = ['symbols', 'day', ...STEPS, 'day total', 'status', 'orders/filled', 'peak RSS'];
  return [
    `day ${b.day} and the session before it; one per-book strategy, flat weight over N synthetic symbols; each width in a fresh process`,
    'Core planner (planRebalance alone; growth over the previous width)',
    ...table(
      ['symbols', 'from cash', 'lines', 'rebalance', 'lines'],
      b.planner.map((p, i) => {
        const prev = b.planner[i - 1];
        return [
          `${p.n}${prev ? ` (×${(p.n / prev.n).toFixed(1)})` : ''}`,
          `${ms(p.fromCashMs)}${growth(prev?.fromCashMs, p.fromCashMs)}`,
          String(p.fromCashLines),
          `${ms(p.rebalanceMs)}${growth(prev?.rebalanceMs, p.rebalanceMs)}`,
          String(p.rebalanceLines),
        ];
      }),
    ),
    '',
    'Kill switch on: every step on the real path, no order placed (a branch past the ledger item limit fails there)',
    ...table(header, stepRows(b.plan)),
    '',
    'Trading: every order placed and filled (SimBroker, ledger on dynalite)',
    ...table(header, stepRows(b.trade)),
  ];
}
