/**
 * Public types of the ledger. The records are the ElectroDB entities' item types (`entities/*.ts` declare
 * every attribute once; JSON attributes are typed and parsed by the zod schemas in `entities/attributes.ts`),
 * so a record and its stored item cannot drift. Book vocabulary (`BookId`, `DecimalString`, `Holding`,
 * `BookState`, `Flow`, `StrategyId`, transfer endpoints) comes from core and is re-exported here. Quantities
 * and money are decimal strings at this boundary.
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
import type * as z from 'zod';
import type { RunEquity as RunEquitySchema } from './entities/attributes.ts';
import type { PoolAttributionItem } from './entities/attribution.ts';
import type { CashItem } from './entities/cash.ts';
import type { FillItem } from './entities/fill.ts';
import type { FlagItem } from './entities/flag.ts';
import type { FlowStateItem } from './entities/flow-state.ts';
import type { LeaseItem } from './entities/lease.ts';
import type { NavItem } from './entities/nav.ts';
import type { OrderItem } from './entities/order.ts';
import type { PlanItem } from './entities/plan.ts';
import type { PositionItem } from './entities/position.ts';
import type { RunItem } from './entities/run.ts';
import type { SignalItem } from './entities/signal.ts';
import type { StrategyRunItem } from './entities/strategy-run.ts';
import type { TransferItem } from './entities/transfer.ts';
import type { TransferPlanItem } from './entities/transfer-plan.ts';

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

/** `T` with its intersections and mapped types flattened into one object type (for readable hovers). */
type Flat<T> = { [K in keyof T]: T[K] } & {};

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
export type RunEquity = z.infer<typeof RunEquitySchema>;

/** One trading run: one per trading day and stage (`runId` = `<day>.<stage>`). */
export type Run = Flat<RunItem>;

/** An error as stored: its stable name and message. */
export type StoredError = NonNullable<Run['error']>;

/** One strategy in one run, with its outcome. */
export type StrategyRun = Flat<StrategyRunItem>;

/** Target weights a strategy produced in a run. */
export type Signal = Flat<SignalItem>;

/** The orders planned for one book in one run. */
export type Plan = Flat<PlanItem>;

/** One order of a plan: symbol, side, qty, the planner's as-of price and notional (qty × price), reason. */
export type PlannedOrder = Plan['orders'][number];

/** An order: the ledger's intent, then the broker's view of it. */
export type Order = Flat<OrderItem>;

/** One entry of an order's status history. */
export type OrderStatusEntry = Order['statusHistory'][number];

/** An execution of (part of) an order. */
export type Fill = Flat<FillItem>;

/** A position with its book, as listed across books (the journal's `version` and `pending` left out). */
export type Position = Flat<Pick<PositionItem, 'bookId' | 'symbol' | 'qty' | 'costBasis' | 'updatedAt'>>;

/** A book's cash balance. */
export type CashBalance = Flat<Pick<CashItem, 'bookId' | 'updatedAt'> & { cash: CashItem['amount'] }>;

/** A book's NAV at the close of a day. */
export type Nav = Flat<NavItem>;

/**
 * Where a transfer moves value from or to: a book, `unallocated` (account cash no book owns; cash only), or
 * `external` (outside the account: a corporate action's issuer).
 */
export type TransferEndpoint = Endpoint;

/** A move of shares (with their cost basis) or cash between books. */
export type Transfer = Flat<TransferItem>;

/** The share of the pool attributed to one aggregated strategy in one run. */
export type PoolAttribution = Flat<PoolAttributionItem>;

/** The global kill switch: when enabled, nothing trades (`updatedAt` null: never set). */
export type KillSwitch = Flat<
  Pick<FlagItem, 'enabled' | 'reason' | 'updatedBy'> & { updatedAt: FlagItem['updatedAt'] | null }
>;

/** A lease on a symbol, serializing execution across workers. */
export type Lease = Flat<Pick<LeaseItem, 'symbol' | 'holder' | 'acquiredAt' | 'expiresAt'>>;

/** Result of {@link LedgerRepository.acquireLease}. */
export type LeaseResult = { acquired: true; lease: Lease } | { acquired: false; current: Lease | null };

/** Result of applying a fill or a transfer to books. */
export interface ApplyResult {
  status: 'applied' | 'already-applied';
}

/** A set of transfers decided once, then applied; see {@link FlowState} for how plans are serialized. */
export type TransferPlan = Flat<TransferPlanItem>;

/** A transfer as decided by a {@link TransferPlan}: a ledger transfer without its timestamps. */
export type PlannedTransfer = TransferPlan['transfers'][number];

/** What a transfer plan does: initial funding, capital rebalancing or reallocation, a flag flip, a corporate action. */
export type TransferPlanKind = TransferPlan['kind'];

/**
 * How each strategy is traded now, and each member's share of the pool. One item; `version` 0, empty maps
 * and `updatedAt` null when nothing was ever funded or flipped. `pendingPlanId` names the plan in progress.
 */
export type FlowState = Flat<
  Omit<FlowStateItem, 'name' | 'updatedAt'> & { updatedAt: FlowStateItem['updatedAt'] | null }
>;
