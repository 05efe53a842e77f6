/**
 * Inputs, settings and results of execution, as zod schemas with inferred types. Money and quantities are
 * decimal strings at this boundary.
 */
import type { Broker, RailName, RailSettingsInput } from '@ensemble/core';
import { BookId, DecimalString, Flow, type Outcome, Side, StrategyId, TradingDay } from '@ensemble/core';
import type {
  BookLedger,
  ControlLedger,
  OrderLedger,
  OrderStatus,
  RunEquity,
  RunLedger,
} from '@ensemble/ledger';
import * as z from 'zod';
import type { FaultInjector } from './faults.ts';

/** A price with the session it is the close (or last trade) of. */
export const AsOfPrice = z.object({ price: z.string(), session: TradingDay });
export type AsOfPrice = z.infer<typeof AsOfPrice>;

/**
 * One line to execute: a planner `PlanLine` or a ledger `PlannedOrder` (qty, price, notional, reason). Only
 * share quantities execute; a notional-only line is refused. `price` and `notional` are the planner's, kept for
 * the record: the rails and buy sizing price every line from `prices`, whose session they check.
 */
export const ExecLine = z.object({
  symbol: z.string().min(1),
  side: Side,
  qty: DecimalString.optional(),
  price: DecimalString.optional(),
  notional: DecimalString.optional(),
  reason: z.string().default(''),
});
export type ExecLine = z.input<typeof ExecLine>;

/** What `executePlan` is asked to do: one book's lines in one run. */
export const ExecuteInput = z.object({
  runId: z.string().min(1),
  tradingDay: TradingDay,
  /** The run's stage (a slug; part of every client order id). */
  stage: z.string().min(1),
  bookId: BookId,
  flow: Flow,
  /** The strategy of a per-book execution; absent for the pool. */
  strategyId: StrategyId.optional(),
  /** The session the plan was made at (the as-of of the prices). Prices older than this block the book. */
  asOf: TradingDay,
  lines: z.array(ExecLine),
  /**
   * The book's NAV at the as-of prices when the plan was made (the plan's record): the basis of the per-order
   * cap (`maxOrderBookFraction`), the same on every retry. @default the book's NAV now, at `prices`
   */
  bookNav: DecimalString.optional(),
  /** As-of prices of (at least) every symbol of `lines`. */
  prices: z.record(z.string(), AsOfPrice),
});
export type ExecuteInput = z.input<typeof ExecuteInput>;
export type ParsedExecuteInput = z.infer<typeof ExecuteInput>;

/**
 * The ledger roles an execution uses: its orders and fills, the book it trades, the gates (kill switch,
 * symbol leases, daily notional), and the runs, NAVs and cash the equity breaker reads.
 */
export type ExecutionLedger = OrderLedger &
  Pick<BookLedger, 'getBook' | 'getPosition' | 'listCashBalances' | 'listNavOfDay'> &
  Pick<ControlLedger, 'getKillSwitch' | 'acquireLease' | 'releaseLease' | 'reserveNotional'> &
  Pick<RunLedger, 'listRuns'>;

/** The ports and settings `executePlan` uses. */
export interface ExecuteDeps {
  ledger: ExecutionLedger;
  broker: Broker;
  /** Now. */
  clock: () => Date;
  /** Wait `ms` (a fake in tests). */
  sleep: (ms: number) => Promise<void>;
  rails: RailSettingsInput;
  /**
   * Who holds symbol leases. Must be the same across retries of one branch (e.g. `<runId>/<bookId>`), so a
   * re-run renews the lease its crashed attempt left. @default `<runId>/<bookId>`
   */
  leaseHolder?: string;
  /** @default no faults */
  fault?: FaultInjector;
  /**
   * The run's equity comparison, made once at its start (the equity breaker reads it instead of every book's
   * cash on every call). @default computed on each call
   */
  equityAtRunStart?: RunEquity;
  /** Time between two polls of an open order. @default 1000 */
  pollIntervalMs?: number;
  /** How long one order may stay open before its remainder is canceled. @default 60000 */
  deadlineMs?: number;
  /**
   * Stops every new submission, like the kill switch, for this execution alone (e.g. `strategy-disabled`:
   * the strategy was disabled since its run started). Orders already at the broker are still followed to
   * their end and booked. @default none
   */
  halt?: { rail: RailName; reason: string };
  /**
   * Run the plan's sells only, and stop before the buys (the workflow's first execution phase: every book
   * sells before any buys, so a book's buys spend cash that is at the broker). The full run afterwards adopts
   * the sells by client order id and goes on to the buys. @default false
   */
  sellsOnly?: boolean;
}

/** Ledger order statuses (the ledger's own type). */
export type LedgerOrderStatus = OrderStatus;

/** One order of an execution, as it ended. */
export interface ExecutedOrder {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  /** Shares asked for. */
  qty: DecimalString;
  /** The ledger's status at the end (INTENT = never submitted: a rail stopped it). */
  status: LedgerOrderStatus;
  filledQty: DecimalString;
  filledNotional: DecimalString;
  brokerOrderId?: string;
  /** Why it ended as it did (broker reason, rail, deadline), when there is one. */
  reason?: string;
}

/** A plan line that was not executed, and why. */
export interface SkippedOrder {
  symbol: string;
  side: 'buy' | 'sell';
  qty: DecimalString;
  reason: string;
}

/** What one execution of one book ended with. */
export interface ExecuteResult {
  outcome: Outcome;
  /** The rail that stopped (part of) the plan, when one did. */
  rail?: RailName;
  /** One sentence for the run report. */
  reason: string;
  orders: ExecutedOrder[];
  skipped: SkippedOrder[];
}
