/**
 * Public types of the ledger. Book vocabulary (`BookId`, `DecimalString`, `Holding`, `BookState`, `Flow`,
 * `StrategyId`, transfer endpoints) comes from core's book math and is re-exported here. Quantities and money
 * are decimal strings at this boundary; nothing here is an ElectroDB type.
 */
import type {
  BookId,
  BookState,
  DecimalString,
  Endpoint,
  Flow,
  Holding,
  OrderStatus,
  Outcome,
  RunStatus,
  Side,
  StrategyId,
  Timestamp,
  TradingDay,
} from '@ensemble/core';

export type {
  BookId,
  BookState,
  DecimalString,
  Flow,
  Holding,
  OrderStatus,
  Outcome,
  RunStatus,
  Side,
  StrategyId,
  Timestamp,
  TradingDay,
};

/** An error as stored: its stable name and message. */
export interface StoredError {
  name: string;
  message: string;
}

/** Options of every list: page size and the cursor of the previous page. */
export interface PageOptions {
  /** Items per page. @default 100 */
  limit?: number;
  /** The `cursor` of the previous page; absent or null for the first page. */
  cursor?: string | null;
}

/** Options of a list over a day range (inclusive on both ends). */
export interface DayRangeOptions extends PageOptions {
  /** First day, inclusive. @default the earliest */
  from?: TradingDay;
  /** Last day, inclusive. @default the latest */
  to?: TradingDay;
}

/** One page of a list; `cursor` is null on the last page and never silently dropped. */
export interface Page<T> {
  data: T[];
  cursor: string | null;
}

/** Result of a create-once write: created now, already there (same content), or there with other content. */
export type RecordResult<T> =
  | { status: 'created'; item: T }
  | { status: 'exists'; item: T }
  | { status: 'conflict'; current: T };

/** Result of a conditional transition: done now, done before by the same call (a replay), or refused. */
export type TransitionResult<T> =
  | { status: 'updated'; item: T }
  | { status: 'replayed'; item: T }
  | { status: 'conflict'; current: T | null };

/**
 * The books' value at a run's start versus their last NAV (execution's `EquityComparison`): decimal strings;
 * `baselineDay`, `baseline` and `dropPct` are null when there is no NAV in the lookback (breaker not armed).
 */
export interface RunEquity {
  baselineDay: string | null;
  baseline: string | null;
  current: string;
  dropPct: string | null;
}

/** One trading run: one per trading day and stage. */
export interface Run {
  runId: string;
  tradingDay: TradingDay;
  stage: string;
  status: RunStatus;
  /** The as-of date the strategies were evaluated at. */
  asOf: string;
  /** Reference to the market-data snapshot used (e.g. a content hash or an object key). */
  dataSnapshot: string;
  /** Flag values in force for this run. */
  flags: Record<string, string | number | boolean>;
  statusHistory: { status: RunStatus; at: Timestamp }[];
  error?: StoredError;
  /** The books' value at the run's start against the last NAV, as the equity breaker reads it. */
  equity?: RunEquity;
  startedAt: Timestamp;
  updatedAt: Timestamp;
  finishedAt?: Timestamp;
}

/** One strategy in one run, with its outcome. */
export interface StrategyRun {
  runId: string;
  tradingDay: TradingDay;
  strategyId: StrategyId;
  flow: Flow;
  outcome: Outcome;
  error?: StoredError;
  startedAt: Timestamp;
  finishedAt: Timestamp;
}

/** Target weights a strategy produced in a run. */
export interface Signal {
  runId: string;
  tradingDay: TradingDay;
  strategyId: StrategyId;
  /** symbol → weight (decimal string, weights sum to 1 or 0). */
  weights: Record<string, DecimalString>;
  /** Reference to the evaluation trace (object key, file path). */
  traceRef: string;
  recordedAt: Timestamp;
}

/** One order of a plan. */
export interface PlannedOrder {
  symbol: string;
  side: Side;
  qty?: DecimalString;
  notional?: DecimalString;
  reason: string;
}

/** The orders planned for one book in one run. */
export interface Plan {
  runId: string;
  tradingDay: TradingDay;
  bookId: BookId;
  orders: PlannedOrder[];
  recordedAt: Timestamp;
}

/** One entry of an order's status history. */
export interface OrderStatusEntry {
  status: OrderStatus;
  at: Timestamp;
  reason?: string;
}

/** An order: the ledger's intent, then the broker's view of it. */
export interface Order {
  clientOrderId: string;
  runId: string;
  tradingDay: TradingDay;
  bookId: BookId;
  symbol: string;
  side: Side;
  requestedQty?: DecimalString;
  requestedNotional?: DecimalString;
  filledQty: DecimalString;
  filledNotional: DecimalString;
  brokerOrderId?: string;
  status: OrderStatus;
  /** Starts at 1 (INTENT); every transition adds one. `statusHistory[v - 1]` is the entry of version v. */
  version: number;
  statusHistory: OrderStatusEntry[];
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** An execution of (part of) an order. */
export interface Fill {
  fillId: string;
  clientOrderId: string;
  runId: string;
  tradingDay: TradingDay;
  bookId: BookId;
  symbol: string;
  side: Side;
  qty: DecimalString;
  price: DecimalString;
  /** qty × price. */
  notional: DecimalString;
  fee: DecimalString;
  filledAt: Timestamp;
  /** Set once the fill has been applied to the book's position and cash. */
  appliedAt?: Timestamp;
}

/** A position with its book, as listed across books. */
export interface Position extends Holding {
  bookId: BookId;
  updatedAt: Timestamp;
}

/** A book's cash balance. */
export interface CashBalance {
  bookId: BookId;
  cash: DecimalString;
  updatedAt: Timestamp;
}

/** A book's NAV at the close of a day. */
export interface Nav {
  bookId: BookId;
  day: TradingDay;
  cash: DecimalString;
  positionsValue: DecimalString;
  nav: DecimalString;
  flowsIn: DecimalString;
  flowsOut: DecimalString;
  recordedAt: Timestamp;
}

/** Where a transfer moves value from or to: a book, or `unallocated` (account cash no book owns; cash only). */
export type TransferEndpoint = Endpoint;

/** A move of shares (with their cost basis) or cash between books. */
export interface Transfer {
  transferId: string;
  day: TradingDay;
  kind: 'position' | 'cash';
  from: TransferEndpoint;
  to: TransferEndpoint;
  symbol?: string;
  qty?: DecimalString;
  /** For `position`: cost basis moved with the shares; for `cash`: the amount. */
  amount: DecimalString;
  reason: string;
  runId?: string;
  recordedAt: Timestamp;
  appliedAt?: Timestamp;
}

/** The share of the pool attributed to one aggregated strategy in one run. */
export interface PoolAttribution {
  runId: string;
  tradingDay: TradingDay;
  strategyId: StrategyId;
  /** Fraction of the pool's NAV attributed to the strategy (0..1). */
  fraction: DecimalString;
  /** Capital (USD) attributed to the strategy. */
  capital: DecimalString;
  /** The strategy's target weights merged into the pool: symbol → weight. */
  weights: Record<string, DecimalString>;
  /** Shares of the pool's holdings attributed to the strategy: symbol → qty. */
  holdings: Record<string, DecimalString>;
  recordedAt: Timestamp;
}

/** The global kill switch: when enabled, nothing trades. */
export interface KillSwitch {
  enabled: boolean;
  reason: string;
  updatedBy: string;
  updatedAt: Timestamp | null;
}

/** A lease on a symbol, serializing execution across workers. */
export interface Lease {
  symbol: string;
  holder: string;
  acquiredAt: Timestamp;
  expiresAt: Timestamp;
}

/** Result of {@link LedgerRepository.acquireLease}. */
export type LeaseResult = { acquired: true; lease: Lease } | { acquired: false; current: Lease | null };

/** Result of applying a fill or a transfer to books. */
export interface ApplyResult {
  status: 'applied' | 'already-applied';
}

/** A transfer as decided by a {@link TransferPlan}: a ledger transfer without its timestamps. */
export interface PlannedTransfer {
  transferId: string;
  kind: 'position' | 'cash';
  from: TransferEndpoint;
  to: TransferEndpoint;
  symbol?: string;
  qty?: DecimalString;
  /** For `position`: cost basis moved with the shares; for `cash`: the amount. */
  amount: DecimalString;
}

/** What a transfer plan does: initial funding, capital drift rebalancing or a flag flip. */
export type TransferPlanKind = 'funding' | 'capital' | 'flip';

/** A set of transfers decided once, then applied; see {@link FlowState} for how plans are serialized. */
export interface TransferPlan {
  planId: string;
  day: TradingDay;
  kind: TransferPlanKind;
  reason: string;
  runId?: string;
  /** Flip only: the strategy and its flow before and after. */
  strategyId?: StrategyId;
  fromFlow?: Flow;
  toFlow?: Flow;
  transfers: PlannedTransfer[];
  /** Flows the plan sets (merged into the FlowState when the plan completes). */
  flowsAfter: Record<StrategyId, Flow>;
  poolSharesBefore: Record<StrategyId, DecimalString>;
  /** The pool's shares once the plan completes (equal to before when the plan does not change them). */
  poolSharesAfter: Record<StrategyId, DecimalString>;
  status: 'PENDING' | 'APPLIED';
  recordedAt: Timestamp;
  appliedAt?: Timestamp;
}

/**
 * How each strategy is traded now, and each member's share of the pool. One item; `version` 0 and empty
 * maps when nothing was ever funded or flipped. `pendingPlanId` names the plan in progress, if any.
 */
export interface FlowState {
  flows: Record<StrategyId, Flow>;
  poolShares: Record<StrategyId, DecimalString>;
  version: number;
  pendingPlanId?: string;
  lastPlanId?: string;
  updatedAt: Timestamp | null;
}
