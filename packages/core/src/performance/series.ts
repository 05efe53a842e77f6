/**
 * Building the series of a {@link PerformanceHistory}: the account as the sum of its books, and a pool
 * member's attributed series from the pool's and the member's recorded fractions. Pure; the producers (the
 * backtest, the ledger's recorded days) share them so their histories agree.
 */
import { CASH_DP, D, str } from '../decimal.ts';
import type { TradingDay } from '../vocabulary.ts';
import type { Series } from './types.ts';

/** The sum of several series by session (a series absent on a session adds nothing), ascending by day. */
export const sumSeries = (series: readonly Series[]): Series => {
  const totals = new Map<TradingDay, D>();
  for (const s of series) for (const [day, v] of s) totals.set(day, (totals.get(day) ?? new D(0)).plus(v));
  return [...totals.keys()].sort().map((day) => [day, str(totals.get(day)!)] as const);
};

/** The series without its zero values (a flow series lists only the sessions that had one). */
export const nonZero = (series: Series | undefined): Series =>
  (series ?? []).filter(([, v]) => !new D(v).isZero());

/**
 * A pool member's attributed series: Aₜ = fₜ·Pₜ in cents, fₜ its latest recorded fraction of the pool on or
 * before session t (none before its first: no point). Its flows are whatever the pool's return does not
 * explain, Fₜ = Aₜ − Aₜ₋₁·(Pₜ − PFₜ)/Pₜ₋₁ (a flip changing the member's fraction), so the member's
 * returns are exactly the pool's: by design every member earns the pool's return (core's attribution).
 */
export const attributedSeries = (
  pool: { readonly equity: Series; readonly flows?: Series },
  fractions: Series,
): { equity: Series; flows: Series } => {
  const poolFlows = new Map((pool.flows ?? []).map(([day, v]) => [day, new D(v)]));
  const sorted = [...fractions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const equity: (readonly [TradingDay, string])[] = [];
  const flows: (readonly [TradingDay, string])[] = [];
  let k = -1;
  let before: { value: D; pool: D } | undefined;
  for (const [day, p] of pool.equity) {
    while (k + 1 < sorted.length && sorted[k + 1]![0] <= day) k++;
    if (k < 0) continue;
    const poolNav = new D(p);
    const value = new D(sorted[k]![1]).times(poolNav).toDecimalPlaces(CASH_DP);
    equity.push([day, str(value)]);
    if (before?.pool.gt(0)) {
      const grown = before.value.times(poolNav.minus(poolFlows.get(day) ?? 0)).div(before.pool);
      const flow = value.minus(grown).toDecimalPlaces(6);
      if (!flow.isZero()) flows.push([day, str(flow)]);
    }
    before = { value, pool: poolNav };
  }
  return { equity, flows };
};
