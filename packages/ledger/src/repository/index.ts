/**
 * `createLedger({ table, client })` → a {@link LedgerRepository}: one named function per access pattern,
 * options objects, `{ data, cursor }` pages. No ElectroDB type crosses this boundary; conditional failures
 * come back as results (`exists`, `conflict`, `replayed`), every other failure throws.
 *
 * The repository is the intersection of small roles, each in the module named for it, so a consumer can ask
 * for only what it uses: {@link RunLedger} (runs.ts), {@link SignalLedger} (signals.ts), {@link PlanLedger}
 * (plans.ts), {@link OrderLedger} (orders.ts), {@link BookLedger} (books.ts), {@link TransferLedger}
 * (transfers.ts) and {@link ControlLedger} (controls.ts).
 *
 * `createShadowLedger` builds the same repository in the shadow scope of the table (entities/scope.ts), with
 * one more role, {@link PaperAccountLedger} (paper-accounts.ts): the simulated accounts of shadow mode.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LedgerScope } from '../entities/scope.ts';
import { createLedgerService } from '../service.ts';
import { type BookLedger, bookLedger } from './books.ts';
import type { Ctx } from './context.ts';
import { type ControlLedger, controlLedger } from './controls.ts';
import { type OrderLedger, orderLedger } from './orders.ts';
import { type PaperAccountLedger, paperAccountLedger } from './paper-accounts.ts';
import { type PlanLedger, planLedger } from './plans.ts';
import { type RunLedger, runLedger } from './runs.ts';
import { type SignalLedger, signalLedger } from './signals.ts';
import { type TransferLedger, transferLedger } from './transfers.ts';

export type { RecordPoolAttributionInput } from './attributions.ts';
export type { BookLedger } from './books.ts';
export type {
  AcquireLeaseInput,
  ControlLedger,
  ReleaseLeaseInput,
  ReserveNotionalInput,
  ReserveNotionalResult,
  SetKillSwitchInput,
} from './controls.ts';
export type { RecordFillInput } from './fills.ts';
export type { ClaimFlowStateInput, FinalizeFlowStateInput } from './flow-state.ts';
export type { RecordNavInput } from './navs.ts';
export type { OrderLedger, RecordOrderIntentInput, UpdateOrderStatusInput } from './orders.ts';
export {
  PAPER_ACCOUNT_TTL_DAYS,
  type PaperAccount,
  type PaperAccountLedger,
  type PaperOrderInput,
} from './paper-accounts.ts';
export { type PlanLedger, type PlannedOrderInput, plannedOrderOf, type RecordPlanInput } from './plans.ts';
export type { CreateRunInput, RunLedger, RunTimeline, UpdateRunStatusInput } from './runs.ts';
export { runIdOf } from './runs.ts';
export type { RecordSignalInput, SignalLedger } from './signals.ts';
export type { RecordStrategyRunInput } from './strategy-runs.ts';
export type { RecordTransferPlanInput } from './transfer-plans.ts';
export type { ApplyTransferInput, TransferLedger, TransferResult } from './transfers.ts';

/** The ledger's whole API: every role. Prefer the roles (or `Pick`s of them) where less is used. */
export type LedgerRepository = RunLedger &
  SignalLedger &
  PlanLedger &
  OrderLedger &
  BookLedger &
  TransferLedger &
  ControlLedger;

/** Options of {@link createLedger}. */
export interface CreateLedgerOptions {
  /** Table name (created with `ensureTable` locally; by the SST stack in AWS). */
  table: string;
  client: DynamoDBClient;
  /** Clock for the timestamps the ledger writes. @default () => new Date() */
  clock?: () => Date;
  /** Attempts of an optimistic read → compute → conditional write before `LedgerContentionError`. @default 8 */
  maxAttempts?: number;
}

/**
 * The ledger of shadow mode: every role of the {@link LedgerRepository}, in the shadow scope of the same
 * table (its paper books, runs, orders, NAVs and FlowState: no production query can read them, nor can its
 * queries read production's), plus the simulated accounts its paper fills are made in.
 */
export type ShadowLedger = LedgerRepository & PaperAccountLedger;

const contextOf = (options: CreateLedgerOptions, scope: LedgerScope): Ctx => {
  const clock = options.clock ?? (() => new Date());
  return {
    svc: createLedgerService(options.table, options.client, scope),
    now: () => clock().toISOString(),
    maxAttempts: options.maxAttempts ?? 8,
  };
};

const repositoryOf = (ctx: Ctx): LedgerRepository => ({
  ...runLedger(ctx),
  ...signalLedger(ctx),
  ...planLedger(ctx),
  ...orderLedger(ctx),
  ...bookLedger(ctx),
  ...transferLedger(ctx),
  ...controlLedger(ctx),
});

/** Build the ledger repository (production scope) over one table. */
export const createLedger = (options: CreateLedgerOptions): LedgerRepository =>
  repositoryOf(contextOf(options, 'production'));

/** Build the shadow-scope ledger over the same table (see {@link ShadowLedger}). */
export const createShadowLedger = (options: CreateLedgerOptions): ShadowLedger => {
  const ctx = contextOf(options, 'shadow');
  return { ...repositoryOf(ctx), ...paperAccountLedger(ctx) };
};
