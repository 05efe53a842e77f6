/**
 * Planner input and output. A plan is data: the execution layer submits `lines` as they are (each a
 * quantity order) and records `skipped` and `drift` for the run report.
 */
import * as z from 'zod';
import { Prices } from '../books/prices.ts';
import { type BookId, BookState } from '../books/types.ts';
import { DecimalString } from '../decimal.ts';
import type { Side } from '../vocabulary.ts';
import { PlannerSettings } from './settings.ts';

/** Target weights: symbol → weight (decimal string, > 0), summing to 1 (to 1e-9). */
export const TargetWeights = z.record(z.string().min(1), DecimalString);
export type TargetWeights = Readonly<Record<string, DecimalString>>;

/** What the broker says about an asset. */
export const AssetFacts = z.object({
  /** Fractional shares allowed (to 9 decimals); otherwise whole shares only. */
  fractionable: z.boolean(),
  /** Can be traded at all now. */
  tradable: z.boolean(),
});
export type AssetFacts = z.infer<typeof AssetFacts>;

/** Calendar context for frequency rebalancing (dates `YYYY-MM-DD`, given by the caller). */
export const Schedule = z.object({
  asOf: z.string(),
  /** Date of the book's last rebalance; absent = never. */
  lastRebalancedOn: z.string().optional(),
});
export type Schedule = z.infer<typeof Schedule>;

/** Everything {@link planRebalance} reads. */
export const PlanInput = z.object({
  book: BookState,
  targets: TargetWeights,
  prices: Prices,
  assets: z.record(z.string(), AssetFacts),
  settings: PlannerSettings,
  /** Needed by frequencies other than `daily`/`none`. */
  schedule: Schedule.optional(),
});
export type PlanInput = z.infer<typeof PlanInput>;

/** Why the plan trades (or not). */
export type PlanTrigger =
  | 'initial-funding'
  | 'selection-change'
  | 'band-breach'
  | 'scheduled'
  | 'within-band'
  | 'not-due'
  | 'no-capital';

/** One order to submit: always a share quantity (see sizing.ts for why). */
export interface PlanLine {
  readonly symbol: string;
  readonly side: Side;
  /** Shares, > 0: whole for non-fractionable assets, ≤ 9 decimals otherwise. */
  readonly qty: DecimalString;
  /** The price the line was sized at. */
  readonly price: DecimalString;
  /** qty × price, for display and limits (not submitted). */
  readonly notional: DecimalString;
  readonly reason: string;
}

/** A trade the planner wanted but left out, and why. */
export interface SkippedLine {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: DecimalString;
  readonly price: DecimalString;
  readonly reason: string;
}

/** A symbol's weight now versus its target. Weights are of NAV × (1 − cash buffer). */
export interface DriftRow {
  readonly symbol: string;
  readonly current: DecimalString;
  readonly target: DecimalString;
  /** current − target. */
  readonly deviation: DecimalString;
  /** Outside the threshold corridor (always false without a threshold). */
  readonly outside: boolean;
}

/** The planner's output: orders with reasons, or an explicit hold. */
export interface Plan {
  readonly bookId: BookId;
  readonly action: 'rebalance' | 'hold';
  readonly trigger: PlanTrigger;
  /** One sentence for the run report. */
  readonly reason: string;
  readonly nav: DecimalString;
  /** Sells first, then buys; each by symbol. Empty for a hold. */
  readonly lines: readonly PlanLine[];
  readonly skipped: readonly SkippedLine[];
  /** By symbol, over held and targeted symbols. */
  readonly drift: readonly DriftRow[];
}
