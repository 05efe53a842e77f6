/**
 * State of a simulated account, as stored. All mutable state — cash, positions and every order not yet
 * archived — is ONE versioned item, changed only by a write conditioned on its version: a fill and its
 * order's new status change together or not at all, so a crash can never apply an order twice. Orders whose
 * terminal state earlier writes committed are copied to their own immutable items (the archive), a batch at a
 * time, by a later write, which drops them from the account: so the account holds open orders and at most a
 * batch of settled ones, however many orders a day places.
 */
import * as z from 'zod';

const Dec = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');

/** One order as the simulated broker keeps it (the port's `BrokerOrder` plus the simulation's bookkeeping). */
export const SimOrderRecord = z.object({
  id: z.string(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  qty: Dec.optional(),
  notional: Dec.optional(),
  status: z.enum(['accepted', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired']),
  filledQty: Dec,
  filledAvgPrice: Dec.nullable(),
  fees: Dec,
  submittedAt: z.string(),
  updatedAt: z.string(),
  reason: z.string().optional(),
  /** The session (`YYYY-MM-DD`) the day order belongs to; it fills at that session's close. */
  session: z.string(),
  /** Polls of `getOrderByClientId` still to answer `accepted` before the fill (delayed-fill knob). */
  pollsBeforeFill: z.number().int().nonnegative(),
  /** Fraction of the order the fill executes (partial-fill knob); `1` fills it all. */
  fillFraction: Dec,
  /** Buys: cash held back for the unfilled part (estimated cost + fees). */
  reservedCash: Dec,
  /** Sells: shares held back for the unfilled part. */
  reservedQty: Dec,
});
export type SimOrderRecord = z.infer<typeof SimOrderRecord>;

/** One position: shares and their total cost (qty × fill price, unrounded; fees excluded, like Alpaca). */
export const SimPosition = z.object({ qty: Dec, costBasis: Dec });
export type SimPosition = z.infer<typeof SimPosition>;

/** The account item. */
export const SimAccountState = z.object({
  cash: Dec,
  positions: z.record(z.string(), SimPosition),
  /** Orders not yet archived, by client order id (all open orders, and terminal ones awaiting archival). */
  orders: z.record(z.string(), SimOrderRecord),
  createdAt: z.string(),
  /** Ids of the corporate actions applied to the account (`split:AAPL:2020-08-31`); absent: none. */
  corporateActions: z.array(z.string()).optional(),
});
export type SimAccountState = z.infer<typeof SimAccountState>;

/** The account item with its version (incremented by every write). */
export interface SimAccountSnapshot {
  readonly state: SimAccountState;
  readonly version: number;
  /**
   * The state as the store keeps it, when the store keeps it as a live object (the memory store): the
   * broker compares against it to tell whether a call changed the account, instead of copying it first.
   * Read-only: never changed by anyone.
   */
  readonly pristine?: SimAccountState;
}

/**
 * Port: where a simulated account lives. Implementations: {@link createMemorySimBrokerStore} and
 * {@link createDynamoSimBrokerStore}. Every method throws on a storage failure (never "absent").
 */
export interface SimBrokerStore {
  /** The account, or null before it was created: a copy of its own, which the caller may change. */
  loadAccount(): Promise<SimAccountSnapshot | null>;
  /**
   * The account as the store keeps it, without a copy, for stores that keep it as a live object (the memory
   * store, the sole writer's copy): read-only, never changed by anyone. Absent: every read loads a copy.
   */
  peekAccount?(): Promise<SimAccountSnapshot | null>;
  /** Creates the account at version 1 unless it exists; false when it already existed. */
  createAccount(state: SimAccountState): Promise<boolean>;
  /**
   * Replaces the account if its version is still `expectedVersion` (writing version + 1); false otherwise.
   * The caller hands `state` over: a store may keep that very object (the memory store does), so the caller
   * changes it no more.
   */
  replaceAccount(state: SimAccountState, expectedVersion: number): Promise<boolean>;
  /** An archived (terminal) order by client order id, or null. */
  getArchivedOrder(clientOrderId: string): Promise<SimOrderRecord | null>;
  /** The client order id of an archived order by broker order id, or null. */
  clientIdOfArchived(orderId: string): Promise<string | null>;
  /** Archives terminal orders (idempotent: the same order may be archived twice). */
  archiveOrders(orders: readonly SimOrderRecord[]): Promise<void>;
}
