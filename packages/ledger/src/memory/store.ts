/**
 * Where a memory ledger keeps its records: one {@link Table} per record kind, with the DynamoDB table's access
 * patterns as indexes (same partitions, same sort order), and the context every memory role is given. A
 * store is the table's production scope; its `shadow` is the shadow scope (entities/scope.ts): the same
 * tables, apart, plus shadow mode's paper accounts — as the two ElectroDB services keep their items apart on
 * one DynamoDB table.
 */
import { movesUnallocatedCash } from '@ensemble/core';
import type {
  CashBalance,
  Fill,
  FlowState,
  KillSwitch,
  Lease,
  Nav,
  Order,
  Plan,
  PoolAttribution,
  Position,
  RecordResult,
  Run,
  Signal,
  StrategyRun,
  Transfer,
  TransferPlan,
} from '../types.ts';
import { composite, Table } from './table.ts';

/** A book's cash row. */
export type CashRow = Omit<CashBalance, 'cash'> & { amount: string };

/** A notional reservation row: a scope's total for a day and the keys that reserved it. */
export interface NotionalRow {
  day: string;
  scope: string;
  totalCents: number;
  keys: string[];
}

/** Records of one run, by another attribute of theirs: partitions by run id, sorted by `sort`. */
const byRun = <T extends { runId: string }>(sort: (row: T) => string) => ({
  partition: (r: T) => r.runId,
  sort,
});

/** A paper account as stored (shadow scope): its state (JSON text), version and expiry. */
export interface PaperAccountRow {
  accountId: string;
  state: string;
  version: number;
  updatedAt: string;
  /** Epoch seconds after which DynamoDB's TTL would sweep it (kept, not swept, in memory). */
  ttl: number;
}

/** An archived order of a paper account (shadow scope). */
export interface PaperOrderRow {
  accountId: string;
  clientOrderId: string;
  orderId: string;
  order: string;
  ttl: number;
}

/** Every table of one scope of a memory ledger. */
export interface MemoryScopeStore {
  readonly runs: Table<Run>;
  readonly strategyRuns: Table<StrategyRun>;
  readonly signals: Table<Signal>;
  readonly plans: Table<Plan>;
  readonly poolAttributions: Table<PoolAttribution>;
  readonly orders: Table<Order>;
  readonly fills: Table<Fill>;
  readonly positions: Table<Position>;
  readonly cash: Table<CashRow>;
  readonly navs: Table<Nav>;
  readonly transfers: Table<Transfer>;
  readonly transferPlans: Table<TransferPlan>;
  readonly leases: Table<Lease>;
  readonly notional: Table<NotionalRow>;
  /** The one FlowState (null until first claimed). */
  flowState: FlowState | null;
  /** The kill switch (null until first set). */
  killSwitch: KillSwitch | null;
}

/** The shadow scope: its own tables, and the paper accounts of shadow mode. */
export interface MemoryShadowStore extends MemoryScopeStore {
  readonly paperAccounts: Table<PaperAccountRow>;
  readonly paperOrders: Table<PaperOrderRow>;
}

/**
 * Every record of a memory ledger: the production scope, and `shadow`, the shadow scope. Share one store
 * between ledgers to share their records.
 */
export interface MemoryLedgerStore extends MemoryScopeStore {
  readonly shadow: MemoryShadowStore;
}

/** The tables of one scope, empty. */
const createScopeStore = (): MemoryScopeStore => ({
  runs: new Table<Run>((r) => r.runId, {
    byRun: byRun(() => ''),
    byDay: { partition: () => '', sort: (r) => composite(r.tradingDay, r.stage) },
  }),
  strategyRuns: new Table<StrategyRun>((r) => composite(r.runId, r.strategyId), {
    byRun: byRun((r) => r.strategyId),
    byStrategyDay: { partition: (r) => r.strategyId, sort: (r) => composite(r.tradingDay, r.runId) },
  }),
  signals: new Table<Signal>((r) => composite(r.runId, r.strategyId), {
    byRun: byRun((r) => r.strategyId),
    byStrategyDay: { partition: (r) => r.strategyId, sort: (r) => composite(r.tradingDay, r.runId) },
  }),
  plans: new Table<Plan>((r) => composite(r.runId, r.bookId), {
    byRun: byRun((r) => r.bookId),
    byBookDay: { partition: (r) => r.bookId, sort: (r) => composite(r.tradingDay, r.runId) },
  }),
  poolAttributions: new Table<PoolAttribution>((r) => composite(r.runId, r.strategyId), {
    byRun: byRun((r) => r.strategyId),
    byStrategyDay: { partition: (r) => r.strategyId, sort: (r) => composite(r.tradingDay, r.runId) },
  }),
  orders: new Table<Order>((r) => r.clientOrderId, {
    byRun: byRun((r) => r.clientOrderId),
    byBookDay: { partition: (r) => r.bookId, sort: (r) => composite(r.tradingDay, r.clientOrderId) },
  }),
  fills: new Table<Fill>((r) => r.fillId, {
    byRun: byRun((r) => composite(r.clientOrderId, r.fillId)),
    byOrder: { partition: (r) => composite(r.runId, r.clientOrderId), sort: (r) => r.fillId },
    byBookDay: { partition: (r) => r.bookId, sort: (r) => composite(r.tradingDay, r.fillId) },
  }),
  positions: new Table<Position>((r) => composite(r.bookId, r.symbol), {
    byBook: { partition: (r) => r.bookId, sort: (r) => r.symbol },
    bySymbol: { partition: (r) => r.symbol, sort: (r) => r.bookId },
    all: { partition: () => '', sort: (r) => composite(r.bookId, r.symbol) },
  }),
  cash: new Table<CashRow>((r) => r.bookId, {
    all: { partition: () => '', sort: (r) => r.bookId },
  }),
  navs: new Table<Nav>((r) => composite(r.bookId, r.day), {
    byBookDay: { partition: (r) => r.bookId, sort: (r) => r.day },
    byDay: { partition: (r) => r.day, sort: (r) => r.bookId },
  }),
  transfers: new Table<Transfer>((r) => r.transferId, {
    byDay: { partition: () => '', sort: (r) => composite(r.day, r.transferId) },
    // Sparse: only the cash transfers from or to the cash no book owns (the DynamoDB repository filters the
    // byDay query the same way).
    unallocatedCash: {
      partition: (r) => (movesUnallocatedCash(r) ? '' : null),
      sort: (r) => composite(r.day, r.transferId),
    },
  }),
  transferPlans: new Table<TransferPlan>((r) => r.planId, {
    byDay: { partition: () => '', sort: (r) => composite(r.day, r.planId) },
  }),
  leases: new Table<Lease>((r) => r.symbol),
  notional: new Table<NotionalRow>((r) => composite(r.day, r.scope)),
  flowState: null,
  killSwitch: null,
});

/** A new, empty store (both scopes). */
export const createMemoryLedgerStore = (): MemoryLedgerStore => ({
  ...createScopeStore(),
  shadow: {
    ...createScopeStore(),
    paperAccounts: new Table<PaperAccountRow>((r) => r.accountId),
    paperOrders: new Table<PaperOrderRow>((r) => composite(r.accountId, r.clientOrderId), {
      byOrderId: { partition: (r) => composite(r.accountId, r.orderId), sort: (r) => r.clientOrderId },
    }),
  },
});

/** What every memory role is given: the store, the clock, and the hook before each write. */
export interface MemoryCtx {
  /** The scope's tables. */
  readonly store: MemoryScopeStore;
  /** `createdAt`/`updatedAt`/`recordedAt` (ISO). */
  now(): string;
  /** Called before every write (an operation that may change the store), named by its operation. */
  write(operation: string): void;
}

/**
 * Create a record once, as the DynamoDB repository's `createOnce`: `created` if absent (stored now),
 * `exists` if an equal one is there (`same`), `conflict` otherwise.
 */
export const createOnce = <T extends object>(
  m: MemoryCtx,
  operation: string,
  table: Table<T>,
  item: T,
  same: (existing: T) => boolean,
): RecordResult<T> => {
  m.write(operation);
  const existing = table.get(table.key(item));
  if (existing === undefined) return { status: 'created', item: table.put(item) };
  return same(existing) ? { status: 'exists', item: existing } : { status: 'conflict', current: existing };
};
