/**
 * Attribute shapes more than one entity shares. A map whose keys are data (symbol → weight, strategy id →
 * flow) or whose values may be null has no ElectroDB declaration: it is stored as `any` (the item is the same
 * JSON), typed by a zod schema (`jsonFlows`, ...) and parsed with that schema on every read, so a malformed item
 * fails the read instead of travelling on. Everything else is declared to ElectroDB, whose types the public
 * record types are.
 */
import { CorporateAction, DecimalString, Flow, PoolShares, StrategyId, TargetWeights } from '@ensemble/core';
import { CustomAttributeType } from 'electrodb';
import * as z from 'zod';

/** symbol → quantity (decimal strings). */
export const Quantities = z.record(z.string().min(1), DecimalString);

/** strategy id → flow. */
export const Flows = z.record(StrategyId, Flow);

/** strategy id → allocation (fraction of account equity). */
export const Allocations = z.record(StrategyId, DecimalString);

/**
 * The books' value at a run's start versus their last NAV (execution's `EquityComparison`): decimal strings;
 * `baselineDay`, `baseline` and `dropPct` are null when there is no NAV in the lookback (breaker not armed).
 */
export const RunEquity = z.object({
  baselineDay: z.string().nullable(),
  baseline: DecimalString.nullable(),
  current: DecimalString,
  dropPct: DecimalString.nullable(),
});

/** A getter parsing a stored JSON value with `schema`, so a malformed item fails the read. */
const parsedBy =
  <T>(schema: z.ZodType<T>) =>
  (value: unknown): T =>
    schema.parse(value);

// JSON attributes: the type is ElectroDB's `CustomAttributeType<T>` (stored as `any`), the getter the schema of T.

/** symbol → target weight (core's `TargetWeights`). */
export const jsonWeights = {
  type: CustomAttributeType<TargetWeights>('any'),
  get: parsedBy(TargetWeights),
};

/** symbol → quantity. */
export const jsonQuantities = {
  type: CustomAttributeType<z.infer<typeof Quantities>>('any'),
  get: parsedBy(Quantities),
};

/** strategy id → flow. */
export const jsonFlows = { type: CustomAttributeType<z.infer<typeof Flows>>('any'), get: parsedBy(Flows) };

/** strategy id → allocation. */
export const jsonAllocations = {
  type: CustomAttributeType<z.infer<typeof Allocations>>('any'),
  get: parsedBy(Allocations),
};

/** strategy id → share of the pool (core's `PoolShares`). */
export const jsonPoolShares = { type: CustomAttributeType<PoolShares>('any'), get: parsedBy(PoolShares) };

/** A corporate action (core's `CorporateAction`). */
export const jsonCorporateAction = {
  type: CustomAttributeType<CorporateAction>('any'),
  get: parsedBy(CorporateAction),
};

/** A run's equity comparison. */
export const jsonRunEquity = {
  type: CustomAttributeType<z.infer<typeof RunEquity>>('any'),
  get: parsedBy(RunEquity),
};

/** An error as stored: its stable name and message. */
export const storedError = {
  type: 'map',
  properties: {
    name: { type: 'string', required: true },
    message: { type: 'string', required: true },
  },
} as const;
