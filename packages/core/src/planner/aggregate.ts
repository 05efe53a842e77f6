/**
 * The aggregated planner: all `aggregated` strategies trade as one pool book. Their weights are merged,
 * each scaled by the strategy's share of the pool (merged[s] = Σ share_i × w_i[s]), the pool is planned
 * like any book, and each order is attributed to the members by contribution: member i's signed desired
 * change in the symbol, share_i × (w_i[s] × investable / price − held). Members wanting the opposite side
 * get a negative share of the order (the pool netted their trades).
 */
import {
  assertShares,
  attributeOrder,
  type OrderAttribution,
  type PoolShares,
} from '../books/attribution.ts';
import type { Prices } from '../books/prices.ts';
import type { BookState, StrategyId } from '../books/types.ts';
import { byString, type D as Dec, dec, str, ZERO } from '../decimal.ts';
import { markBook, readTargets } from './corridor.ts';
import { PlanInputInvalidError } from './errors.ts';
import { planRebalance } from './plan.ts';
import type { PlannerSettings } from './settings.ts';
import type { AssetFacts, Plan, Schedule, TargetWeights } from './types.ts';

/** Everything {@link planPool} reads. */
export interface PoolPlanInput {
  readonly pool: BookState;
  readonly shares: PoolShares;
  /** Target weights of every pool member (and only of members). */
  readonly targets: Readonly<Record<StrategyId, TargetWeights>>;
  readonly prices: Prices;
  readonly assets: Readonly<Record<string, AssetFacts>>;
  /** The pool's own settings (corridor or frequency, minimum notional, buffer). */
  readonly settings: PlannerSettings;
  readonly schedule?: Schedule;
}

/** The pool's plan, the merged weights it was planned on, and who caused each order. */
export interface PoolPlan {
  readonly plan: Plan;
  readonly targets: TargetWeights;
  /** One per plan line, in the plan's order. */
  readonly attributions: readonly OrderAttribution[];
}

const memberTargets = (
  shares: PoolShares,
  targets: Readonly<Record<StrategyId, TargetWeights>>,
): Map<StrategyId, Map<string, Dec>> => {
  assertShares(shares);
  const members = Object.keys(shares).sort(byString);
  if (members.length === 0) throw new PlanInputInvalidError('the pool has no members', 'pool');
  const issues = [
    ...members.filter((id) => targets[id] === undefined).map((id) => `${id}: pool member without targets`),
    ...Object.keys(targets)
      .filter((id) => shares[id] === undefined)
      .map((id) => `${id}: targets for a strategy outside the pool`),
  ];
  if (issues.length > 0) throw new PlanInputInvalidError(issues.join('; '), 'pool');
  return new Map(members.map((id) => [id, readTargets(targets[id]!, `pool/${id}`)]));
};

/** Merges members' weights, scaled by their pool shares, into the pool's targets (sorted by symbol). */
export const mergeTargets = (
  shares: PoolShares,
  targets: Readonly<Record<StrategyId, TargetWeights>>,
): TargetWeights => {
  const merged = new Map<string, Dec>();
  for (const [id, weights] of memberTargets(shares, targets)) {
    const share = dec(shares[id]!);
    for (const [s, w] of weights) merged.set(s, (merged.get(s) ?? ZERO).plus(share.times(w)));
  }
  return Object.fromEntries(
    [...merged]
      .filter(([, w]) => w.gt(0))
      .sort(([a], [b]) => byString(a, b))
      .map(([s, w]) => [s, str(w)]),
  );
};

/** Plans the pool and attributes each order to the members by contribution. */
export const planPool = (input: PoolPlanInput): PoolPlan => {
  const members = memberTargets(input.shares, input.targets);
  const targets = mergeTargets(input.shares, input.targets);
  const plan = planRebalance({
    book: input.pool,
    targets,
    prices: input.prices,
    assets: { ...input.assets },
    settings: input.settings,
    schedule: input.schedule,
  });
  if (plan.lines.length === 0) return { plan, targets, attributions: [] };
  const marked = markBook(input.pool, readTargets(targets), input.prices, input.settings.cashBuffer);
  const attributions = plan.lines.map((line) => {
    const price = dec(line.price);
    const held = marked.held.get(line.symbol) ?? ZERO;
    const contributions: Record<StrategyId, Dec> = {};
    for (const [id, weights] of members) {
      const share = dec(input.shares[id]!);
      const wanted = (weights.get(line.symbol) ?? ZERO)
        .times(marked.investable)
        .div(price)
        .minus(held)
        .times(share);
      contributions[id] = line.side === 'buy' ? wanted : wanted.neg();
    }
    return attributeOrder(line, contributions, input.shares);
  });
  return { plan, targets, attributions };
};
