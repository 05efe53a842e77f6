/**
 * From an equity series to returns: daily returns net of flows, the growth index they compound to, its
 * drawdown, and monthly returns. Every metric and chart of a report is computed from these (docs/reports.md).
 *
 * rₜ = (Eₜ − Fₜ)/Eₜ₋₁ − 1, where Fₜ is the value transfers moved into the unit on session t (0 without
 * flows, which gives the plain Eₜ/Eₜ₋₁ − 1). A session whose previous NAV is not positive has no return (a
 * book not funded yet, or emptied by a flip): leading such points are dropped, and a later one restarts the
 * series without a return for that session.
 */
import { D } from '../decimal.ts';
import { rememberedFor } from '../memo.ts';
import type { TradingDay } from '../vocabulary.ts';
import type { Series } from './types.ts';

/** One return: the session it ends on and its value (a fraction). */
export interface DailyReturn {
  readonly day: TradingDay;
  readonly r: number;
}

/**
 * The series without its leading points whose NAV is not positive (before the unit was funded): `equity`
 * itself when it starts funded.
 */
export const fundedPart = (equity: Series): Series => {
  const first = equity.findIndex(([, v]) => new D(v).gt(0));
  return first < 0 ? [] : first === 0 ? equity : equity.slice(first);
};

/** Flows by day (absent days: none). */
const flowsByDay = (flows: Series | undefined): Map<TradingDay, D> => {
  const out = new Map<TradingDay, D>();
  for (const [day, v] of flows ?? []) out.set(day, (out.get(day) ?? new D(0)).plus(v));
  return out;
};

/**
 * Daily returns computed once per equity series and flows series (series are immutable values: a report
 * reads each unit's returns for its metrics, its growth index and its months, and the benchmark's for every
 * unit's beta).
 */
const returnsOf = rememberedFor((equity: Series, flows: Series | undefined): readonly DailyReturn[] => {
  const points = fundedPart(equity);
  const flow = flowsByDay(flows);
  const out: DailyReturn[] = [];
  for (let t = 1; t < points.length; t++) {
    const before = new D(points[t - 1]![1]);
    if (!before.gt(0)) continue;
    const [day, nav] = points[t]!;
    const r = new D(nav)
      .minus(flow.get(day) ?? 0)
      .div(before)
      .minus(1);
    out.push({ day, r: r.toNumber() });
  }
  return out;
});

/** The daily returns of a funded equity series (see the module comment), in session order. */
export const dailyReturns = (equity: Series, flows?: Series): readonly DailyReturn[] =>
  returnsOf(equity, flows);

/** The growth of 1 over the funded series: I₀ = 1 on its first session, Iₜ = Iₜ₋₁·(1 + rₜ). */
export const growthIndex = (equity: Series, flows?: Series): [TradingDay, number][] => {
  const points = fundedPart(equity);
  if (points.length === 0) return [];
  const returns = new Map(dailyReturns(points, flows).map((x) => [x.day, x.r]));
  let level = 1;
  return points.map(([day]) => {
    level *= 1 + (returns.get(day) ?? 0);
    return [day, level];
  });
};

/** Drawdown of a growth index each session: 1 − Iₜ / maxₛ≤ₜ Iₛ (a fraction ≥ 0). */
export const drawdownSeries = (index: readonly (readonly [TradingDay, number])[]): [TradingDay, number][] => {
  let peak = Number.NEGATIVE_INFINITY;
  return index.map(([day, level]) => {
    peak = Math.max(peak, level);
    return [day, peak > 0 ? Math.max(0, 1 - level / peak) : 0];
  });
};

/** The deepest drawdown with the day of the peak before it and the day of its trough (null: never below a peak). */
export const maxDrawdownOf = (
  index: readonly (readonly [TradingDay, number])[],
): { depth: number; peak: TradingDay | null; trough: TradingDay | null } => {
  let best = { depth: 0, peak: null as TradingDay | null, trough: null as TradingDay | null };
  let peak: readonly [TradingDay, number] | undefined;
  for (const point of index) {
    if (peak === undefined || point[1] > peak[1]) peak = point;
    const depth = peak[1] > 0 ? 1 - point[1] / peak[1] : 0;
    if (depth > best.depth) best = { depth, peak: peak[0], trough: point[0] };
  }
  return best;
};

/**
 * Returns by calendar month (`YYYY-MM`): the compounded daily returns of the sessions in the month. The
 * first month starts at the close of the series' first session.
 */
export const monthlyReturns = (equity: Series, flows?: Series): [string, number][] => {
  const out: [string, number][] = [];
  const points = fundedPart(equity);
  if (points.length === 0) return out;
  const byDay = new Map(dailyReturns(points, flows).map((x) => [x.day, x.r]));
  for (const [day] of points) {
    const month = day.slice(0, 7);
    const last = out.at(-1);
    const growth = 1 + (byDay.get(day) ?? 0);
    if (last && last[0] === month) last[1] = (1 + last[1]) * growth - 1;
    else out.push([month, growth - 1]);
  }
  return out;
};
