/**
 * From a report to the data of its charts (pure; the page's script only draws): on one time axis (the
 * account's sessions, as Unix seconds), the account and benchmark NAVs, every unit's growth of $1 (returns net
 * of flows, so a strategy that starts late or receives capital compares fairly), drawdowns, and each book's
 * allocation over time (weights of its largest holdings and cash, stacked).
 */
import {
  drawdownSeries,
  growthIndex,
  type PerformanceReport,
  type ReportUnit,
  type Series,
  type UnitHistory,
} from '@ensemble/core';

/** One line or stacked band of a chart; `null` where the unit has no value on a session. */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** Shown when the page opens (the reader toggles any series in the legend). @default true */
  readonly show?: boolean;
}

/** One chart: what the page's script draws with uPlot. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** `line`: lines; `stacked`: bands stacked to 100 % (allocation). */
  readonly kind: 'line' | 'stacked';
  /** How the y values read: dollars, growth of $1, or a fraction shown as a percentage. */
  readonly y: 'money' | 'growth' | 'pct';
  /** Whether the log-scale toggle applies. */
  readonly logScale: boolean;
  /** Sessions as Unix seconds (UTC midnight). */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
}

/** Market value per symbol at each session's close, by unit id (`account`, a strategy id, `pool`). */
export type HoldingsByUnit = Readonly<Record<string, UnitHistory['holdings']>>;

/** A history's holdings by unit, for the allocation charts. */
export const holdingsOf = (history: {
  readonly account: UnitHistory;
  readonly strategies: readonly UnitHistory[];
  readonly pool: UnitHistory | null;
}): HoldingsByUnit =>
  Object.fromEntries(
    [history.account, ...history.strategies, ...(history.pool ? [history.pool] : [])]
      .filter((u) => u.holdings.length > 0)
      .map((u) => [u.id, u.holdings]),
  );

/** Symbols drawn one by one in an allocation chart; the rest are summed as `other`. */
const TOP_SYMBOLS = 10;

const seconds = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;

/** `points` on the `days` axis (null where absent). */
const onAxis = (
  days: readonly string[],
  points: readonly (readonly [string, number])[],
): (number | null)[] => {
  const byDay = new Map(points);
  return days.map((d) => byDay.get(d) ?? null);
};

const numbers = (s: Series): [string, number][] => s.map(([d, v]) => [d, Number(v)]);

interface NamedUnit {
  readonly label: string;
  readonly unit: ReportUnit;
  readonly kind: 'account' | 'benchmark' | 'pool' | 'strategy';
}

const unitsOf = (r: PerformanceReport): NamedUnit[] => [
  { label: 'account', unit: r.account, kind: 'account' },
  ...(r.benchmark ? [{ label: r.benchmark.symbol, unit: r.benchmark, kind: 'benchmark' as const }] : []),
  ...(r.pool ? [{ label: 'pool', unit: r.pool, kind: 'pool' as const }] : []),
  ...r.strategies.map((s) => ({ label: s.id, unit: s, kind: 'strategy' as const })),
];

/** A book's allocation: the weights of its largest holdings, `other`, and cash, each session. */
const allocationSeries = (
  days: readonly string[],
  equity: Series,
  holdings: UnitHistory['holdings'],
): ChartSeries[] => {
  const nav = new Map(equity.map(([d, v]) => [d, Number(v)]));
  const weights = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  for (const [day, bySymbol] of holdings) {
    const n = nav.get(day);
    if (n === undefined || n <= 0) continue;
    const w = new Map<string, number>();
    for (const [symbol, value] of Object.entries(bySymbol)) {
      const x = Number(value) / n;
      w.set(symbol, x);
      totals.set(symbol, (totals.get(symbol) ?? 0) + x);
    }
    weights.set(day, w);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([s]) => s);
  const top = ranked.slice(0, TOP_SYMBOLS);
  const rest = new Set(ranked.slice(TOP_SYMBOLS));
  const valueOn = (day: string, f: (w: Map<string, number>) => number): number | null => {
    const w = weights.get(day);
    return w === undefined ? null : f(w);
  };
  const sumOf = (w: Map<string, number>, pick: (s: string) => boolean) =>
    [...w.entries()].filter(([s]) => pick(s)).reduce((a, [, x]) => a + x, 0);
  return [
    ...top.map((s) => ({ label: s, values: days.map((d) => valueOn(d, (w) => w.get(s) ?? 0)) })),
    ...(rest.size > 0
      ? [{ label: 'other', values: days.map((d) => valueOn(d, (w) => sumOf(w, (s) => rest.has(s)))) }]
      : []),
    { label: 'cash', values: days.map((d) => valueOn(d, (w) => Math.max(0, 1 - sumOf(w, () => true)))) },
  ];
};

/** The charts of one report; `prefix` keeps ids unique when two reports share a page (`--flow compare`). */
export const chartsOf = (r: PerformanceReport, holdings: HoldingsByUnit = {}, prefix = ''): ChartSpec[] => {
  const days = r.account.equity.map(([d]) => d);
  const x = days.map(seconds);
  const units = unitsOf(r);
  const charts: ChartSpec[] = [
    {
      id: `${prefix}equity`,
      title: 'Account equity and benchmark',
      kind: 'line',
      y: 'money',
      logScale: true,
      x,
      series: units
        .filter((u) => u.kind === 'account' || u.kind === 'benchmark')
        .map((u) => ({ label: u.label, values: onAxis(days, numbers(u.unit.equity)) })),
    },
    {
      id: `${prefix}growth`,
      title: 'Growth of $1: account, pool and strategies',
      kind: 'line',
      y: 'growth',
      logScale: true,
      x,
      series: units.map((u) => ({
        label: u.label,
        values: onAxis(days, growthIndex(u.unit.equity, u.unit.flows)),
      })),
    },
    {
      id: `${prefix}drawdown`,
      title: 'Drawdown',
      kind: 'line',
      y: 'pct',
      logScale: false,
      x,
      series: units.map((u) => ({
        label: u.label,
        values: onAxis(
          days,
          drawdownSeries(growthIndex(u.unit.equity, u.unit.flows)).map(([d, v]) => [d, -v] as const),
        ),
        show: u.kind !== 'strategy',
      })),
    },
  ];
  const books = [
    ['account', r.account.equity],
    ...(r.pool ? [['pool', r.pool.equity] as const] : []),
    ...r.strategies.map((s) => [s.id, s.equity] as const),
  ] as const;
  for (const [id, equity] of books) {
    const h = holdings[id];
    if (!h || h.length === 0) continue;
    charts.push({
      id: `${prefix}allocation-${id}`,
      title: `Allocation: ${id}`,
      kind: 'stacked',
      y: 'pct',
      logScale: false,
      x,
      series: allocationSeries(days, equity, h),
    });
  }
  return charts;
};
