/**
 * Corporate actions the simulated broker simulates, on its account state (pure; applied inside the one
 * versioned write of `transact`, so each is applied exactly once, whatever crashes): on the ex-date, a split
 * multiplies the position by `newRate / oldRate` (rounded down to 9 decimals, whole shares for a
 * non-fractionable symbol; its cost basis unchanged) and a cash dividend pays `qty × rate`, rounded down to
 * cents (its payable date is its ex-date here). The ids of the actions applied are kept in the account.
 * Prices are the caller's: after a split's ex-date the price source must quote the split-adjusted price (see
 * `withSplits` of `@ensemble/market-data`).
 */
import { type CorporateAction, corporateActionId, D, floorTo, QTY_DP, splitRatio, str } from '@ensemble/core';
import type { SimAccountState } from './types.ts';

/** Applies every action with an ex-date on or before `today` that the account has not applied yet. */
export const applyDueActions = (
  state: SimAccountState,
  actions: readonly CorporateAction[],
  today: string,
  nonFractionable: ReadonlySet<string>,
): void => {
  const done = new Set(state.corporateActions ?? []);
  for (const a of actions) {
    if (!isDue(a, today, done)) continue;
    const id = corporateActionId(a);
    const p = state.positions[a.symbol];
    if (p && a.kind === 'split') {
      const qty = floorTo(new D(p.qty).times(splitRatio(a)), nonFractionable.has(a.symbol) ? 0 : QTY_DP);
      if (qty.isZero()) delete state.positions[a.symbol];
      else state.positions[a.symbol] = { ...p, qty: str(qty) };
    }
    if (p && a.kind === 'dividend') {
      state.cash = str(new D(state.cash).plus(floorTo(new D(p.qty).times(a.rate), 2)));
    }
    done.add(id);
    state.corporateActions = [...done].sort();
  }
};

/** Whether {@link applyDueActions} would apply any of `actions` to `state` today. */
export const hasDueActions = (
  state: SimAccountState,
  actions: readonly CorporateAction[],
  today: string,
): boolean => {
  const done = new Set(state.corporateActions ?? []);
  return actions.some((a) => isDue(a, today, done));
};

/** An action whose ex-date has come and that the account has not applied (`done`: the ids applied). */
const isDue = (a: CorporateAction, today: string, done: ReadonlySet<string>): boolean =>
  a.exDate <= today && !done.has(corporateActionId(a));

/** The actions of `symbols` with an ex-date in `[from, to]`, sorted by ex-date then symbol. */
export const announced = (
  actions: readonly CorporateAction[],
  query: { symbols: readonly string[]; from: string; to: string },
): CorporateAction[] =>
  actions
    .filter((a) => query.symbols.includes(a.symbol) && a.exDate >= query.from && a.exDate <= query.to)
    .map((a) => (a.kind === 'dividend' && a.payableDate === undefined ? { ...a, payableDate: a.exDate } : a))
    .sort((a, b) => a.exDate.localeCompare(b.exDate) || a.symbol.localeCompare(b.symbol));
