/** The loaded configuration as the steps read it: enabled strategies, their planner settings, allocations. */
import type { LoadedConfig, LoadedStrategy } from '@ensemble/config';
import {
  type CapitalPolicy,
  type Flow,
  type PlannerSettings,
  parseCapitalPolicy,
  parsePlannerSettings,
  resolveAllocations,
  settingsFromStrategy,
} from '@ensemble/core';
import type { DayShape } from '@ensemble/workflow/contract';
import { UnknownStrategyError } from './errors.ts';

/** The enabled strategies, live and `mode: shadow` alike, in configuration order. */
export const enabledStrategies = (config: LoadedConfig): LoadedStrategy[] =>
  config.strategies.filter((s) => s.enabled);

/** The enabled live strategies (those that trade the account), in configuration order. */
export const liveStrategies = (config: LoadedConfig): LoadedStrategy[] =>
  enabledStrategies(config).filter((s) => s.mode === 'live');

/** An enabled strategy that runs on paper, and the flow of its paper book. */
export interface ShadowedStrategy {
  readonly strategy: LoadedStrategy;
  /** A `mode: shadow` strategy's `flow`; a live strategy's `shadow` (the other flow). */
  readonly flow: Flow;
}

/** The enabled strategies with a paper book (`mode: shadow`, or live with `shadow:`), in configuration order. */
export const shadowedStrategies = (config: LoadedConfig): ShadowedStrategy[] =>
  enabledStrategies(config).flatMap((s): ShadowedStrategy[] => {
    if (s.mode === 'shadow') return [{ strategy: s, flow: s.flow }];
    return s.shadow === undefined ? [] : [{ strategy: s, flow: s.shadow }];
  });

/**
 * True when `id` is enabled in the configuration now. A redrive or a reopened day may meet a strategy its
 * run started with that has been disabled (or removed) since: Execute then places nothing new for it.
 */
export const isEnabledNow = (config: LoadedConfig, id: string): boolean =>
  config.strategies.some((x) => x.id === id && x.enabled);

/**
 * True when the configuration has `id` with `enabled: false`: Evaluate and PlanRebalance then record
 * nothing for it (a strategy removed from the configuration altogether is unknown to them instead).
 */
export const isDisabledNow = (config: LoadedConfig, id: string): boolean =>
  config.strategies.some((x) => x.id === id && !x.enabled);

/** The enabled strategy `id`, or an {@link UnknownStrategyError}. */
export const strategyOf = (config: LoadedConfig, id: string): LoadedStrategy => {
  const s = config.strategies.find((x) => x.id === id && x.enabled);
  if (!s) throw new UnknownStrategyError(id);
  return s;
};

/** Planner settings of a per-book strategy: from its `defsymphony` settings (threshold or frequency). */
export const bookSettings = (s: LoadedStrategy): PlannerSettings => settingsFromStrategy(s.strategy.settings);

/**
 * Planner settings of the pool: the account's `poolCorridor` as a threshold corridor when set, else a daily
 * rebalance (the members' own thresholds do not apply to the merged book).
 */
export const poolSettings = (config: LoadedConfig): PlannerSettings =>
  parsePlannerSettings({
    rebalance:
      config.account.poolCorridor === undefined
        ? { kind: 'frequency', frequency: 'daily' }
        : { kind: 'threshold', threshold: String(config.account.poolCorridor) },
  });

/**
 * The account's capital policy in core's terms: allocations of the enabled live strategies, and capital
 * rebalancing (`capitalBand`, on when `account.capitalRebalance` is set; the band defaults to core's 0.1).
 */
export const capitalPolicyOf = (config: LoadedConfig): CapitalPolicy => {
  const rebalance = config.account.capitalRebalance;
  const drift =
    rebalance === undefined
      ? { rebalanceCapital: false }
      : { rebalanceCapital: true, capitalBand: String(rebalance.band) };
  return config.account.capitalPolicy === 'fixed'
    ? parseCapitalPolicy({
        kind: 'fixed',
        allocations: Object.fromEntries(liveStrategies(config).map((s) => [s.id, String(s.allocation)])),
        ...drift,
      })
    : parseCapitalPolicy({ kind: 'equal', ...drift });
};

/**
 * The fraction of account equity each shadowed strategy's paper book is funded with: a live strategy's
 * allocation under the account's capital policy (its paper book starts as large as its real one), a
 * `mode: shadow` strategy's `allocation` (outside the account's capital).
 */
export const paperAllocations = (config: LoadedConfig): Record<string, string> => {
  const live = liveStrategies(config);
  const resolved =
    live.length > 0
      ? resolveAllocations(
          capitalPolicyOf(config),
          live.map((s) => ({ id: s.id, flow: s.flow })),
        ).byStrategy
      : {};
  return Object.fromEntries(
    shadowedStrategies(config).map(({ strategy: s }) => [
      s.id,
      s.mode === 'live' ? (resolved[s.id] ?? String(s.allocation)) : String(s.allocation),
    ]),
  );
};

/**
 * What a day of this configuration is made of, as the history ceiling counts it: the live strategies per
 * book and in the pool, and shadow mode's paper books (one per strategy shadowed per-book, plus the paper
 * pool when any strategy is shadowed aggregated).
 */
export const dayShapeOf = (config: LoadedConfig): DayShape => {
  const live = liveStrategies(config);
  const aggregated = live.filter((s) => s.flow === 'aggregated').length;
  const paper = shadowedStrategies(config);
  const paperBooks =
    paper.filter((p) => p.flow === 'per-book').length + (paper.some((p) => p.flow === 'aggregated') ? 1 : 0);
  return { perBook: live.length - aggregated, aggregated, paperBooks };
};
