/** The loaded configuration as the steps read it: enabled strategies, their planner settings, allocations. */
import type { LoadedConfig, LoadedStrategy } from '@ensemble/config';
import {
  type CapitalPolicy,
  type PlannerSettings,
  parseCapitalPolicy,
  parsePlannerSettings,
  settingsFromStrategy,
} from '@ensemble/core';
import { UnknownStrategyError } from './errors.ts';

/** The enabled strategies, in configuration order. */
export const enabledStrategies = (config: LoadedConfig): LoadedStrategy[] =>
  config.strategies.filter((s) => s.enabled);

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
 * Planner settings of the pool: the account's `driftBand` as a threshold corridor when set, else a daily
 * rebalance (the members' own thresholds do not apply to the merged book).
 */
export const poolSettings = (config: LoadedConfig): PlannerSettings =>
  parsePlannerSettings({
    rebalance:
      config.account.driftBand === undefined
        ? { kind: 'frequency', frequency: 'daily' }
        : { kind: 'threshold', threshold: String(config.account.driftBand) },
  });

/** The account's capital policy in core's terms (allocations of the enabled strategies). */
export const capitalPolicyOf = (config: LoadedConfig): CapitalPolicy =>
  config.account.capitalPolicy === 'fixed'
    ? parseCapitalPolicy({
        kind: 'fixed',
        allocations: Object.fromEntries(enabledStrategies(config).map((s) => [s.id, String(s.allocation)])),
      })
    : parseCapitalPolicy({ kind: 'equal' });
