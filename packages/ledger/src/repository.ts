/**
 * `createLedger({ table, client })` → a narrow {@link LedgerRepository}: one named function per access
 * pattern, options objects, `{ data, cursor }` pages. No ElectroDB type crosses this boundary; conditional
 * failures come back as results (`exists`, `conflict`, `replayed`), every other failure throws.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type ApplyTransferInput,
  applyFill,
  applyTransfer,
  getTransfer,
  listTransfers,
  type TransferResult,
} from './repository/book-writes.ts';
import * as books from './repository/books.ts';
import * as ops from './repository/ops.ts';
import * as orders from './repository/orders.ts';
import * as plans from './repository/plans.ts';
import * as records from './repository/records.ts';
import * as runs from './repository/runs.ts';
import type { Ctx } from './repository/shared.ts';
import { createLedgerService } from './service.ts';
import type {
  ApplyResult,
  BookId,
  BookState,
  CashBalance,
  DayRangeOptions,
  Fill,
  FlowState,
  KillSwitch,
  LeaseResult,
  Nav,
  Order,
  Page,
  PageOptions,
  Plan,
  PoolAttribution,
  Position,
  RecordResult,
  Run,
  Signal,
  StrategyRun,
  Transfer,
  TransferPlan,
  TransitionResult,
} from './types.ts';

export type { ApplyTransferInput, TransferResult } from './repository/book-writes.ts';
export type { RecordNavInput } from './repository/books.ts';
export type {
  AcquireLeaseInput,
  ReleaseLeaseInput,
  ReserveNotionalInput,
  ReserveNotionalResult,
  SetKillSwitchInput,
} from './repository/ops.ts';
export type { RecordFillInput, RecordOrderIntentInput, UpdateOrderStatusInput } from './repository/orders.ts';
export type {
  ClaimFlowStateInput,
  FinalizeFlowStateInput,
  RecordTransferPlanInput,
} from './repository/plans.ts';
export type {
  RecordPlanInput,
  RecordPoolAttributionInput,
  RecordSignalInput,
} from './repository/records.ts';
export type {
  CreateRunInput,
  RecordStrategyRunInput,
  RunTimeline,
  UpdateRunStatusInput,
} from './repository/runs.ts';
export { runIdOf } from './repository/runs.ts';

/** The ledger's whole API. */
export interface LedgerRepository {
  /** Create the run of a day and stage (status RUNNING), or return the one already there. */
  createRun(input: runs.CreateRunInput): Promise<RecordResult<Run>>;
  /** Get a run by id, or null. */
  getRun(runId: string): Promise<Run | null>;
  /** Move a run to `status` if it is in `expected`; a repeat of the same move reports `replayed`. */
  updateRunStatus(input: runs.UpdateRunStatusInput): Promise<TransitionResult<Run>>;
  /** List runs by trading day (then stage), over an inclusive day range. */
  listRuns(options?: DayRangeOptions): Promise<Page<Run>>;
  /** Read a run's timeline: the run and its strategy runs, signals, plans, attributions, orders and fills. */
  getRunTimeline(
    runId: string,
    options?: PageOptions,
  ): Promise<{ data: runs.RunTimeline; cursor: string | null }>;

  /** Record one strategy's outcome in a run, exactly once. */
  recordStrategyRun(input: runs.RecordStrategyRunInput): Promise<RecordResult<StrategyRun>>;
  /** Replace a FAILED outcome by a later attempt's (a redrive), conditionally on it still being FAILED. */
  supersedeFailedStrategyRun(input: runs.RecordStrategyRunInput): Promise<TransitionResult<StrategyRun>>;
  /** List the strategy runs of a run. */
  listStrategyRunsOfRun(runId: string, options?: PageOptions): Promise<Page<StrategyRun>>;
  /** List a strategy's runs by day. */
  listStrategyRunsOfStrategy(strategyId: string, options?: DayRangeOptions): Promise<Page<StrategyRun>>;

  /** Record the weights a strategy produced in a run, once. */
  recordSignal(input: records.RecordSignalInput): Promise<RecordResult<Signal>>;
  /** Get the signal of a strategy in a run, or null. */
  getSignal(runId: string, strategyId: string): Promise<Signal | null>;
  /** List the signals of a run. */
  listSignalsOfRun(runId: string, options?: PageOptions): Promise<Page<Signal>>;
  /** List a strategy's signals by day. */
  listSignalsOfStrategy(strategyId: string, options?: DayRangeOptions): Promise<Page<Signal>>;

  /** Record the orders planned for a book in a run, once. */
  recordPlan(input: records.RecordPlanInput): Promise<RecordResult<Plan>>;
  /** Get the plan of a book in a run, or null. */
  getPlan(runId: string, bookId: BookId): Promise<Plan | null>;
  /** List the plans of a run. */
  listPlansOfRun(runId: string, options?: PageOptions): Promise<Page<Plan>>;
  /** List a book's plans by day. */
  listPlansOfBook(bookId: BookId, options?: DayRangeOptions): Promise<Page<Plan>>;

  /** Record the share of the pool attributed to an aggregated strategy in a run, once. */
  recordPoolAttribution(input: records.RecordPoolAttributionInput): Promise<RecordResult<PoolAttribution>>;
  /** List the pool attributions of a run. */
  listPoolAttributionsOfRun(runId: string, options?: PageOptions): Promise<Page<PoolAttribution>>;
  /** List a strategy's pool attributions by day. */
  listPoolAttributionsOfStrategy(
    strategyId: string,
    options?: DayRangeOptions,
  ): Promise<Page<PoolAttribution>>;

  /** Create an order as INTENT under its client order id, once. */
  recordOrderIntent(input: orders.RecordOrderIntentInput): Promise<RecordResult<Order>>;
  /** Get an order by client order id, or null. */
  getOrder(clientOrderId: string): Promise<Order | null>;
  /** Move an order to a status if it is at `expectedVersion`, appending to its history. */
  updateOrderStatus(input: orders.UpdateOrderStatusInput): Promise<TransitionResult<Order>>;
  /** List the orders of a run. */
  listOrdersOfRun(runId: string, options?: PageOptions): Promise<Page<Order>>;
  /** List a book's orders by day. */
  listOrdersOfBook(bookId: BookId, options?: DayRangeOptions): Promise<Page<Order>>;

  /** Record a fill under its fill id, once (it does not touch the book: see applyFill). */
  recordFill(input: orders.RecordFillInput): Promise<RecordResult<Fill>>;
  /** Apply a recorded fill to its book's position and cash, exactly once. */
  applyFill(fillId: string): Promise<ApplyResult>;
  /** Get a fill by id, or null. */
  getFill(fillId: string): Promise<Fill | null>;
  /** List the fills of a run. */
  listFillsOfRun(runId: string, options?: PageOptions): Promise<Page<Fill>>;
  /** List the fills of one order. */
  listFillsOfOrder(
    order: { runId: string; clientOrderId: string },
    options?: PageOptions,
  ): Promise<Page<Fill>>;
  /** List a book's fills by day. */
  listFillsOfBook(bookId: BookId, options?: DayRangeOptions): Promise<Page<Fill>>;

  /** Read a book now: its cash and its non-zero positions (all pages). */
  getBook(bookId: BookId): Promise<BookState>;
  /** List a book's non-zero positions. */
  listPositions(bookId: BookId, options?: PageOptions): Promise<Page<Position>>;
  /** List every book's non-zero positions, by book then symbol (for reconciliation). */
  listAllPositions(options?: PageOptions): Promise<Page<Position>>;
  /** List the books holding a symbol. */
  listHoldersOfSymbol(symbol: string, options?: PageOptions): Promise<Page<Position>>;
  /** List every book's cash balance. */
  listCashBalances(options?: PageOptions): Promise<Page<CashBalance>>;

  /** Move shares (with cost basis) or cash between books, or cash in/out of the account, exactly once. */
  applyTransfer(input: ApplyTransferInput): Promise<TransferResult>;
  /** Get a transfer by id, or null. */
  getTransfer(transferId: string): Promise<Transfer | null>;
  /** List transfers by day. */
  listTransfers(options?: DayRangeOptions): Promise<Page<Transfer>>;

  /** Read the flows and pool shares now (version 0 and empty maps if never written). */
  getFlowState(): Promise<FlowState>;
  /** Claim the FlowState for a transfer plan (conditional on `expectedVersion` and no plan pending). */
  claimFlowState(input: plans.ClaimFlowStateInput): Promise<TransitionResult<FlowState>>;
  /** Release a plan's claim, writing the flows and pool shares it leads to (conditional on the claim). */
  finalizeFlowState(input: plans.FinalizeFlowStateInput): Promise<TransitionResult<FlowState>>;
  /** Drop a claim whose plan was never recorded (no transfer of it can have been applied). */
  releaseFlowState(planId: string): Promise<{ released: boolean }>;
  /** Record a transfer plan once (status PENDING). */
  recordTransferPlan(input: plans.RecordTransferPlanInput): Promise<RecordResult<TransferPlan>>;
  /** Get a transfer plan by id, or null. */
  getTransferPlan(planId: string): Promise<TransferPlan | null>;
  /** Mark a transfer plan APPLIED (once all its transfers are applied). */
  markTransferPlanApplied(planId: string): Promise<TransitionResult<TransferPlan>>;
  /** List transfer plans by day. */
  listTransferPlans(options?: DayRangeOptions): Promise<Page<TransferPlan>>;

  /** Record a book's NAV for a day, once. */
  recordNav(input: books.RecordNavInput): Promise<RecordResult<Nav>>;
  /** Replace a day's NAV recorded as `previous` (the day's books changed after it was recorded). */
  restateNav(input: books.RecordNavInput, previous: Nav): Promise<TransitionResult<Nav>>;
  /** List a book's daily NAV over an inclusive day range. */
  listNav(bookId: BookId, options?: DayRangeOptions): Promise<Page<Nav>>;
  /** List every book's NAV of one day. */
  listNavOfDay(day: string, options?: PageOptions): Promise<Page<Nav>>;

  /** Read the kill switch (off if never set). */
  getKillSwitch(): Promise<KillSwitch>;
  /** Set the kill switch. */
  setKillSwitch(input: ops.SetKillSwitchInput): Promise<KillSwitch>;
  /** Take (or renew) the lease of a symbol if it is free, expired or already the caller's. */
  acquireLease(input: ops.AcquireLeaseInput): Promise<LeaseResult>;
  /** Release a symbol's lease if the caller holds it. */
  releaseLease(input: ops.ReleaseLeaseInput): Promise<{ released: boolean }>;
  /** Reserve part of a scope's daily notional for one execution, once, within the limit (one conditional update). */
  reserveNotional(input: ops.ReserveNotionalInput): Promise<ops.ReserveNotionalResult>;
}

/** Options of {@link createLedger}. */
export interface CreateLedgerOptions {
  /** Table name (created with {@link ensureTable} locally; by the SST stack in AWS). */
  table: string;
  client: DynamoDBClient;
  /** Clock for the timestamps the ledger writes. @default () => new Date() */
  clock?: () => Date;
  /** Attempts of an optimistic read → compute → conditional write before `LedgerContentionError`. @default 8 */
  maxAttempts?: number;
}

/** Build the ledger repository over one table. */
export const createLedger = (options: CreateLedgerOptions): LedgerRepository => {
  const clock = options.clock ?? (() => new Date());
  const ctx: Ctx = {
    svc: createLedgerService(options.table, options.client),
    now: () => clock().toISOString(),
    maxAttempts: options.maxAttempts ?? 8,
  };
  return {
    createRun: (i) => runs.createRun(ctx, i),
    getRun: (id) => runs.getRun(ctx, id),
    updateRunStatus: (i) => runs.updateRunStatus(ctx, i),
    listRuns: (o) => runs.listRuns(ctx, o),
    getRunTimeline: (id, o) => runs.getRunTimeline(ctx, id, o),
    recordStrategyRun: (i) => runs.recordStrategyRun(ctx, i),
    supersedeFailedStrategyRun: (i) => runs.supersedeFailedStrategyRun(ctx, i),
    listStrategyRunsOfRun: (id, o) => runs.listStrategyRunsOfRun(ctx, id, o),
    listStrategyRunsOfStrategy: (id, o) => records.listStrategyRunsOfStrategy(ctx, id, o),
    recordSignal: (i) => records.recordSignal(ctx, i),
    getSignal: (r, s) => records.getSignal(ctx, r, s),
    listSignalsOfRun: (id, o) => records.listSignalsOfRun(ctx, id, o),
    listSignalsOfStrategy: (id, o) => records.listSignalsOfStrategy(ctx, id, o),
    recordPlan: (i) => records.recordPlan(ctx, i),
    getPlan: (r, b) => records.getPlan(ctx, r, b),
    listPlansOfRun: (id, o) => records.listPlansOfRun(ctx, id, o),
    listPlansOfBook: (id, o) => records.listPlansOfBook(ctx, id, o),
    recordPoolAttribution: (i) => records.recordPoolAttribution(ctx, i),
    listPoolAttributionsOfRun: (id, o) => records.listPoolAttributionsOfRun(ctx, id, o),
    listPoolAttributionsOfStrategy: (id, o) => records.listPoolAttributionsOfStrategy(ctx, id, o),
    recordOrderIntent: (i) => orders.recordOrderIntent(ctx, i),
    getOrder: (id) => orders.getOrder(ctx, id),
    updateOrderStatus: (i) => orders.updateOrderStatus(ctx, i),
    listOrdersOfRun: (id, o) => orders.listOrdersOfRun(ctx, id, o),
    listOrdersOfBook: (id, o) => orders.listOrdersOfBook(ctx, id, o),
    recordFill: (i) => orders.recordFill(ctx, i),
    applyFill: (id) => applyFill(ctx, id),
    getFill: (id) => orders.getFill(ctx, id),
    listFillsOfRun: (id, o) => orders.listFillsOfRun(ctx, id, o),
    listFillsOfOrder: (ord, o) => orders.listFillsOfOrder(ctx, ord, o),
    listFillsOfBook: (id, o) => orders.listFillsOfBook(ctx, id, o),
    getBook: (id) => books.getBook(ctx, id),
    listPositions: (id, o) => books.listPositions(ctx, id, o),
    listAllPositions: (o) => books.listAllPositions(ctx, o),
    listHoldersOfSymbol: (s, o) => books.listHoldersOfSymbol(ctx, s, o),
    listCashBalances: (o) => books.listCashBalances(ctx, o),
    applyTransfer: (i) => applyTransfer(ctx, i),
    getTransfer: (id) => getTransfer(ctx, id),
    listTransfers: (o) => listTransfers(ctx, o),
    getFlowState: () => plans.getFlowState(ctx),
    claimFlowState: (i) => plans.claimFlowState(ctx, i),
    finalizeFlowState: (i) => plans.finalizeFlowState(ctx, i),
    releaseFlowState: (id) => plans.releaseFlowState(ctx, id),
    recordTransferPlan: (i) => plans.recordTransferPlan(ctx, i),
    getTransferPlan: (id) => plans.getTransferPlan(ctx, id),
    markTransferPlanApplied: (id) => plans.markTransferPlanApplied(ctx, id),
    listTransferPlans: (o) => plans.listTransferPlans(ctx, o),
    recordNav: (i) => books.recordNav(ctx, i),
    restateNav: (i, p) => books.restateNav(ctx, i, p),
    listNav: (id, o) => books.listNav(ctx, id, o),
    listNavOfDay: (d, o) => books.listNavOfDay(ctx, d, o),
    getKillSwitch: () => ops.getKillSwitch(ctx),
    setKillSwitch: (i) => ops.setKillSwitch(ctx, i),
    acquireLease: (i) => ops.acquireLease(ctx, i),
    releaseLease: (i) => ops.releaseLease(ctx, i),
    reserveNotional: (i) => ops.reserveNotional(ctx, i),
  };
};
