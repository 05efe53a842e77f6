/**
 * Marking a book for planning and deciding whether it trades. Weights are measured against the
 * investable NAV, NAV × (1 − cash buffer), so a freshly rebalanced book sits on its targets and the buffer
 * never reads as drift. Composer rules: a change in the set of selected assets always rebalances; otherwise a
 * threshold book rebalances (all holdings) when any weight leaves target ± threshold, a frequency book
 * when its period is due.
 */
import { BookInvariantError } from '../books/errors.ts';
import { type Prices, requirePrice } from '../books/prices.ts';
import type { BookState } from '../books/types.ts';
import { byString, type D as Dec, dec, str, sum, ZERO } from '../decimal.ts';
import { PlanInputInvalidError } from './errors.ts';
import { isRebalanceDue } from './schedule.ts';
import type { PlannerSettings } from './settings.ts';
import type { DriftRow, PlanTrigger, Schedule, TargetWeights } from './types.ts';

/** Weights must sum to 1 within this tolerance; they are then renormalized exactly. */
export const WEIGHT_SUM_TOLERANCE = '0.000000001';

/** A book marked to market, in Decimals. */
export interface MarkedBook {
  readonly cash: Dec;
  readonly nav: Dec;
  /** cashBuffer × NAV (0 when NAV ≤ 0). */
  readonly buffer: Dec;
  /** max(NAV − buffer, 0): what the weights apply to. */
  readonly investable: Dec;
  /** Positive holdings, inserted in symbol order. */
  readonly held: ReadonlyMap<string, Dec>;
  /** Price of every held or targeted symbol. */
  readonly price: ReadonlyMap<string, Dec>;
}

/** Validates and renormalizes target weights (zero weights dropped); sorted by symbol. */
export const readTargets = (targets: TargetWeights, bookId?: string): Map<string, Dec> => {
  const entries = Object.keys(targets)
    .sort(byString)
    .map((s) => [s, dec(targets[s]!)] as const);
  const bad = entries.filter(([, w]) => w.lt(0) || !w.isFinite());
  if (bad.length > 0)
    throw new PlanInputInvalidError(`negative target weight for ${bad.map(([s]) => s).join(', ')}`, bookId);
  const kept = entries.filter(([, w]) => w.gt(0));
  const total = sum(kept.map(([, w]) => w));
  if (kept.length === 0 || total.minus(1).abs().gt(WEIGHT_SUM_TOLERANCE)) {
    throw new PlanInputInvalidError(`target weights must sum to 1, found ${str(total)}`, bookId);
  }
  return new Map(kept.map(([s, w]) => [s, w.div(total)]));
};

/** Marks the book: needs a positive price for every held and every targeted symbol. */
export const markBook = (
  book: BookState,
  targets: ReadonlyMap<string, Dec>,
  prices: Prices,
  cashBuffer: string,
): MarkedBook => {
  const held = new Map<string, Dec>();
  for (const h of [...book.positions].sort((a, b) => byString(a.symbol, b.symbol))) {
    const q = dec(h.qty);
    if (q.lt(0)) throw new BookInvariantError(`negative quantity ${h.qty} of ${h.symbol}`, book.bookId);
    if (held.has(h.symbol)) throw new BookInvariantError(`${h.symbol} appears twice`, book.bookId);
    if (q.gt(0)) held.set(h.symbol, q);
  }
  const price = new Map<string, Dec>();
  for (const s of [...new Set([...held.keys(), ...targets.keys()])].sort(byString)) {
    price.set(s, requirePrice(prices, s));
  }
  const cash = dec(book.cash);
  const nav = cash.plus(sum([...held].map(([s, q]) => q.times(price.get(s)!))));
  const buffer = nav.gt(0) ? nav.times(cashBuffer) : ZERO;
  const investable = nav.minus(buffer).gt(0) ? nav.minus(buffer) : ZERO;
  return { cash, nav, buffer, investable, held, price };
};

/** Current weights of the held symbols, of the investable NAV (0 if nothing is investable). */
export const currentWeights = (m: MarkedBook): Map<string, Dec> =>
  new Map(
    [...m.held].map(([s, q]) => [s, m.investable.gt(0) ? q.times(m.price.get(s)!).div(m.investable) : ZERO]),
  );

/** Drift rows over held ∪ targeted symbols, by symbol. */
export const driftRows = (m: MarkedBook, targets: ReadonlyMap<string, Dec>, threshold?: Dec): DriftRow[] => {
  const current = currentWeights(m);
  return [...new Set([...current.keys(), ...targets.keys()])].sort(byString).map((symbol) => {
    const c = current.get(symbol) ?? ZERO;
    const t = targets.get(symbol) ?? ZERO;
    const dev = c.minus(t);
    return {
      symbol,
      current: str(c.toDecimalPlaces(12)),
      target: str(t.toDecimalPlaces(12)),
      deviation: str(dev.toDecimalPlaces(12)),
      outside: threshold !== undefined && dev.abs().gt(threshold),
    };
  });
};

/** The decision: trade or hold, and why. */
export interface Assessment {
  readonly trigger: PlanTrigger;
  readonly reason: string;
  readonly drift: readonly DriftRow[];
}

const pct = (w: string): string => `${dec(w).times(100).toDecimalPlaces(2).toFixed(2)}%`;

/** Decides whether the book rebalances (see the module comment for the rules). */
export const assess = (
  m: MarkedBook,
  targets: ReadonlyMap<string, Dec>,
  settings: PlannerSettings,
  schedule: Schedule | undefined,
  bookId: string,
): Assessment => {
  const policy = settings.rebalance;
  const threshold = policy.kind === 'threshold' ? dec(policy.threshold) : undefined;
  const drift = driftRows(m, targets, threshold);
  if (m.investable.lte(0))
    return { trigger: 'no-capital', reason: `NAV ${str(m.nav)} leaves nothing to invest`, drift };
  if (m.held.size === 0)
    return { trigger: 'initial-funding', reason: 'first funding of an empty book', drift };
  const entering = [...targets.keys()].filter((s) => !m.held.has(s));
  const leaving = [...m.held.keys()].filter((s) => !targets.has(s));
  if (entering.length > 0 || leaving.length > 0) {
    const parts = [
      entering.length > 0 ? `entering ${entering.join(', ')}` : '',
      leaving.length > 0 ? `leaving ${leaving.join(', ')}` : '',
    ].filter((p) => p !== '');
    return { trigger: 'selection-change', reason: `selection changed: ${parts.join('; ')}`, drift };
  }
  if (policy.kind === 'threshold') {
    const out = drift.filter((r) => r.outside);
    if (out.length > 0) {
      const list = out.map((r) => `${r.symbol} ${pct(r.current)} vs ${pct(r.target)}`).join(', ');
      return { trigger: 'band-breach', reason: `outside ±${pct(policy.threshold)}: ${list}`, drift };
    }
    return {
      trigger: 'within-band',
      reason: `every weight within ±${pct(policy.threshold)} of target`,
      drift,
    };
  }
  const { frequency } = policy;
  if (frequency === 'daily') return { trigger: 'scheduled', reason: 'daily rebalance', drift };
  if (frequency === 'none') return { trigger: 'not-due', reason: 'no scheduled rebalancing', drift };
  if (schedule === undefined)
    throw new PlanInputInvalidError(`a ${frequency} rebalance needs a schedule`, bookId);
  return isRebalanceDue(frequency, schedule.asOf, schedule.lastRebalancedOn)
    ? { trigger: 'scheduled', reason: `${frequency} rebalance due on ${schedule.asOf}`, drift }
    : { trigger: 'not-due', reason: `${frequency} rebalance not due on ${schedule.asOf}`, drift };
};
