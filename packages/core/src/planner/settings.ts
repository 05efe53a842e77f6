/**
 * Planner settings (zod). Composer semantics: a strategy rebalances either on a threshold corridor or on a
 * frequency, never both; a strategy with neither rebalances daily (Composer's default). Whatever the
 * policy, a change in the selected assets always rebalances.
 */
import { Decimal } from 'decimal.js';
import * as z from 'zod';
import { DecimalString } from '../decimal.ts';
import type { StrategySettings } from '../dsl/ast.ts';
import { ConfigInvalidError } from '../errors.ts';

/** Alpaca rejects orders under $1 notional. */
export const BROKER_MIN_NOTIONAL = '1';

/** Calendar frequencies (`none`: only selection changes rebalance). */
export const RebalanceFrequency = z.enum(['none', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly']);
export type RebalanceFrequency = z.infer<typeof RebalanceFrequency>;

/** When to rebalance a book whose selection did not change. */
export const RebalancePolicy = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('threshold'),
    /** Absolute corridor half-width in weight units: 0.05 keeps a 20 % target within 15 %–25 %. */
    threshold: DecimalString.refine((s) => new Decimal(s).gt(0) && new Decimal(s).lt(1), 'expected (0, 1)'),
  }),
  z.object({ kind: z.literal('frequency'), frequency: RebalanceFrequency }),
]);
export type RebalancePolicy = z.infer<typeof RebalancePolicy>;

/** Everything the planner needs besides the data. */
export const PlannerSettings = z.object({
  /** @default daily frequency */
  rebalance: RebalancePolicy.default({ kind: 'frequency', frequency: 'daily' }),
  /** Trades under this notional (USD) are dropped, except full exits. At least Alpaca's $1. @default '5' */
  minTradeNotional: DecimalString.refine(
    (s) => new Decimal(s).gte(BROKER_MIN_NOTIONAL),
    `must be ≥ ${BROKER_MIN_NOTIONAL}`,
  ).default('5'),
  /** Fraction of NAV kept in cash, in [0, 1). Weights apply to NAV × (1 − buffer). @default '0' */
  cashBuffer: DecimalString.refine(
    (s) => new Decimal(s).gte(0) && new Decimal(s).lt(1),
    'expected [0, 1)',
  ).default('0'),
});
export type PlannerSettings = z.infer<typeof PlannerSettings>;
export type PlannerSettingsInput = z.input<typeof PlannerSettings>;

/** Parses planner settings; a bad value is a {@link ConfigInvalidError} listing every issue. */
export const parsePlannerSettings = (input: unknown): PlannerSettings => {
  const r = PlannerSettings.safeParse(input);
  if (!r.success) {
    throw new ConfigInvalidError(
      'invalid planner settings',
      r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return r.data;
};

/**
 * Planner settings from a strategy's `defsymphony` config: `:rebalance-threshold` → threshold corridor,
 * `:rebalance-frequency` → frequency, neither → daily, both → {@link ConfigInvalidError}.
 */
export const settingsFromStrategy = (
  strategy: StrategySettings,
  overrides: Omit<PlannerSettingsInput, 'rebalance'> = {},
): PlannerSettings => {
  const { rebalanceThreshold: t, rebalanceFrequency: f } = strategy;
  if (t !== undefined && f !== undefined) {
    throw new ConfigInvalidError(
      'a strategy has either :rebalance-threshold or :rebalance-frequency, not both',
    );
  }
  const rebalance =
    t !== undefined
      ? { kind: 'threshold' as const, threshold: new Decimal(t).toFixed() }
      : { kind: 'frequency' as const, frequency: f ?? 'daily' };
  return parsePlannerSettings({ ...overrides, rebalance });
};
