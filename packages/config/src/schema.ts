/**
 * The shape of `ensemble.config.yaml`: the account, and the strategies that share it. Every object is
 * strict, so a misspelt key (`alocation:`) fails validation instead of being silently ignored.
 * Cross-entry rules (unique ids, allocations summing to at most 1, files that parse) live in `load.ts`.
 */

import { DecimalString, Flow, RailSettings, StrategyId } from '@ensemble/core';
import * as z from 'zod';

/** How the account's capital is divided between the enabled strategies. */
export const CapitalPolicy = z.enum(['fixed', 'equal']);
export type CapitalPolicy = z.infer<typeof CapitalPolicy>;

/**
 * How the simulated broker fills (local days and the backtest; a real broker ignores it). Orders fill at the
 * session's close (Composer's backtest convention), moved against the trader by the slippage, and pay the
 * fee on each fill's notional. Both default to 0.
 */
export const SimulatedFills = z.strictObject({
  /** Slippage in basis points of the close, against the trader (buys pay more, sells get less), in [0, 10000). */
  slippageBps: z
    .number()
    .min(0, 'slippageBps must be in [0, 10000)')
    .lt(10_000, 'slippageBps must be in [0, 10000)')
    .optional(),
  /** Fee in basis points of each fill's notional, rounded to the cent, in [0, 10000). */
  feeBps: z
    .number()
    .min(0, 'feeBps must be in [0, 10000)')
    .lt(10_000, 'feeBps must be in [0, 10000)')
    .optional(),
});
export type SimulatedFills = z.infer<typeof SimulatedFills>;

/** A number in (0, 1), named in its messages. */
const Fraction = (name: string) =>
  z.number().gt(0, `${name} must be in (0, 1)`).lt(1, `${name} must be in (0, 1)`);

/** How often capital rebalancing checks the band: on the first run of each day, ISO week, month or quarter. */
export const CapitalRebalanceFrequency = z.enum(['daily', 'weekly', 'monthly', 'quarterly']);
export type CapitalRebalanceFrequency = z.infer<typeof CapitalRebalanceFrequency>;

/** The one broker account every strategy trades in. */
export const AccountConfig = z.strictObject({
  /** Cash the simulated broker starts with (USD), a quoted decimal string such as `"100000"`. */
  startingCash: DecimalString.refine(
    // Given the decimal-string format: positive iff unsigned with a non-zero digit.
    (s) => !s.startsWith('-') && /[1-9]/.test(s),
    'startingCash must be positive',
  ),
  /**
   * `fixed`: each strategy gets its `allocation` of the account. `equal`: each enabled strategy gets an
   * equal share (allocations are still validated, so switching back to `fixed` cannot break a run).
   */
  capitalPolicy: CapitalPolicy,
  /**
   * The pool's corridor, in absolute weight points, in (0, 1): the pool trades when a merged weight is more than
   * this away from its target (`0.05` keeps a 20 % target within 15–25 %), like a strategy's
   * `:rebalance-threshold`. Absent: the pool rebalances to target on every run.
   */
  poolCorridor: Fraction('poolCorridor').optional(),
  /**
   * Capital rebalancing between books: when a book's share of the capital leaves its target by more than
   * `band` (relative: 0.1 lets a 20 % book move within 18–22 %), capital moves back between books as ledger
   * transfers (cash first, then slices of positions), checked on the first run of each `frequency` period.
   * Absent: books keep what they earn (a change of allocations still moves capital).
   */
  capitalRebalance: z
    .strictObject({
      band: Fraction('capitalRebalance.band'),
      /** @default "weekly" */
      frequency: CapitalRebalanceFrequency.default('weekly'),
    })
    .optional(),
  /** Deprecated: the old name of `poolCorridor` (read as it, with a warning; see `load.ts`). */
  driftBand: Fraction('driftBand').optional(),
  /** How the simulated broker fills: slippage and fees in basis points. Absent: at the close, no fees. */
  simulatedFills: SimulatedFills.optional(),
});
export type AccountConfig = z.infer<typeof AccountConfig>;

/**
 * How a strategy runs. `live`: it trades its flow with real capital. `shadow`: it runs every day on a paper
 * book only (funded at its allocation of equity, outside the account's capital, never reaching the broker).
 */
export const StrategyMode = z.enum(['live', 'shadow']);
export type StrategyMode = z.infer<typeof StrategyMode>;

/** One strategy of the ensemble. */
export const StrategyConfig = z
  .strictObject({
    /** Unique lowercase slug (`tqqq-ftlt`); it names the strategy's book and its orders. */
    id: StrategyId,
    /** The strategy file, relative to the config file's folder. */
    file: z
      .string()
      .min(1, 'file must not be empty')
      // Only strategy files: an error never quotes the first token of some other file of the disk.
      .refine((f) => f.endsWith('.clj'), 'file must name a .clj strategy file'),
    /** Fraction of the account the strategy trades, in (0, 1]; to pause a strategy, set `enabled: false`. */
    allocation: z.number().gt(0, 'allocation must be in (0, 1]').lte(1, 'allocation must be in (0, 1]'),
    /** `per-book`: the strategy owns its own book. `aggregated`: it is merged into the shared pool book. */
    flow: Flow,
    /**
     * A disabled strategy is still validated but does not trade.
     * @default true
     */
    enabled: z.boolean().default(true),
    /**
     * `shadow`: paper only, in its `flow`'s terms (docs/shadow.md); its allocation is not part of the account's.
     * @default 'live'
     */
    mode: StrategyMode.default('live'),
    /**
     * On a live strategy: also keep a paper book in the other flow's terms (`per-book` on an aggregated
     * strategy, `aggregated` on a per-book one), compared with production every day. Must differ from `flow`.
     */
    shadow: Flow.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.shadow === undefined) return;
    if (s.mode === 'shadow') {
      ctx.addIssue({
        code: 'custom',
        path: ['shadow'],
        message: 'a mode: shadow strategy is paper only: it has no second shadow (remove shadow)',
      });
    } else if (s.shadow === s.flow) {
      ctx.addIssue({
        code: 'custom',
        path: ['shadow'],
        message: `shadow must be the other flow than flow (${s.flow}): ${s.flow === 'per-book' ? 'aggregated' : 'per-book'}`,
      });
    }
  });
export type StrategyConfig = z.infer<typeof StrategyConfig>;

/** The whole of `ensemble.config.yaml`. */
export const EnsembleConfig = z.strictObject({
  account: AccountConfig,
  /** Safety rails of execution (order and daily notional limits, equity-drop breaker...); defaults when absent. */
  rails: RailSettings.optional(),
  strategies: z.array(StrategyConfig).min(1, 'list at least one strategy'),
});
export type EnsembleConfig = z.infer<typeof EnsembleConfig>;

/** The file name the operator's configuration goes by. */
export const CONFIG_FILE_NAME = 'ensemble.config.yaml';
