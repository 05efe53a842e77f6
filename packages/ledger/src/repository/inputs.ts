/**
 * The inputs of the ledger's writes, in one module of their own: the DynamoDB repository's role modules and
 * the pure rules both implementations share (records.ts, effects.ts) import them from here, so no module
 * of the repository needs another's to be typed. Each role module re-exports its own.
 */
import type {
  Fill,
  Flow,
  Nav,
  Order,
  OrderStatus,
  Plan,
  PlannedOrder,
  Run,
  RunEquity,
  RunStatus,
  StoredError,
  TradingDay,
  TransferEndpoint,
} from '../types.ts';

/** Input of {@link createRun}. */
export interface CreateRunInput
  extends Pick<Run, 'tradingDay' | 'stage' | 'asOf' | 'dataSnapshot' | 'flows'> {
  /** The books' value at the start against the last NAV (not compared on a repeat: the first one stays). */
  equity?: RunEquity;
}

/** Input of {@link updateRunStatus}. */
export interface UpdateRunStatusInput {
  runId: string;
  /** The status the run must be in now; the write is refused otherwise. */
  expected: RunStatus;
  status: RunStatus;
  error?: StoredError;
}

/**
 * Input of {@link OrderLedger.recordOrderIntent}: the order's intent. Its `clientOrderId` is deterministic
 * from (runId, strategy or book, symbol, side), so a retried submit is idempotent.
 */
export interface RecordOrderIntentInput
  extends Pick<
    Order,
    | 'clientOrderId'
    | 'runId'
    | 'tradingDay'
    | 'bookId'
    | 'symbol'
    | 'side'
    | 'requestedQty'
    | 'requestedNotional'
  > {
  /** Why the order exists (kept in its INTENT history entry). */
  reason?: string;
}

/** Input of {@link updateOrderStatus}. */
export interface UpdateOrderStatusInput {
  clientOrderId: string;
  /** The version the order must be at now; the write is refused otherwise. */
  expectedVersion: number;
  status: OrderStatus;
  brokerOrderId?: string;
  filledQty?: string;
  filledNotional?: string;
  reason?: string;
}

/** Input of {@link recordFill}: the fill as the broker reported it. */
export interface RecordFillInput extends Omit<Fill, 'notional' | 'fee' | 'appliedAt'> {
  /**
   * Cash the fill moved before fees, as the broker booked it (brokers round to cents).
   * @default qty × price
   */
  notional?: string;
  /** @default "0" */
  fee?: string;
}

/** Input of {@link recordNav} and {@link restateNav}: a book's values at the close of a day. */
export interface RecordNavInput extends Pick<Nav, 'bookId' | 'day' | 'cash' | 'positionsValue' | 'nav'> {
  /** @default "0" */
  flowsIn?: string;
  /** @default "0" */
  flowsOut?: string;
}

/** One order of a plan as the planner decided it: a share quantity at an as-of price, and its notional. */
export type PlannedOrderInput = PlannedOrder & Required<Pick<PlannedOrder, 'qty' | 'price' | 'notional'>>;

/** Input of {@link PlanLedger.recordPlan}: the plan without its timestamp. */
export interface RecordPlanInput extends Omit<Plan, 'recordedAt' | 'orders'> {
  orders: PlannedOrderInput[];
}

/** Input of {@link applyTransfer}: shares of a symbol, or cash. */
export type ApplyTransferInput = {
  /** Deterministic id of the move (e.g. `<runId>:flip:<strategy>:<symbol>`); the move happens once per id. */
  transferId: string;
  day: TradingDay;
  from: TransferEndpoint;
  to: TransferEndpoint;
  reason: string;
  runId?: string;
} & (
  | {
      kind: 'position';
      symbol: string;
      qty: string;
      /** Cost basis moved with the shares. @default pro rata of the source position when first recorded, rounded down to cents */
      costBasis?: string;
    }
  | { kind: 'cash'; amount: string }
);

/** Input of {@link finalizeFlowState}. */
export interface FinalizeFlowStateInput {
  planId: string;
  /** Flows to set (merged into the current flows). */
  flows: Record<string, Flow>;
  /** The pool's shares from now on. */
  poolShares: Record<string, string>;
  /** The allocations the books are funded to from now on (merged into the current ones). @default unchanged */
  allocations?: Record<string, string>;
}
