/**
 * The memory ledger (the `./memory` subpath): a {@link LedgerRepository} over in-process maps with the same
 * semantics as the DynamoDB one — create-once records (`created`/`exists`/`conflict`), conditional
 * transitions (`updated`/`replayed`/`conflict`), fills and transfers applied exactly once through core's
 * book math, transfer plans and the FlowState, NAVs, leases, notional reservations, the kill switch, and
 * lists in the same key order with cursors. The records, replay rules and journal effects are the DynamoDB
 * repository's own (repository/records.ts, repository/effects.ts); what differs is only storage: one
 * process, no network, and each fill or transfer applied in one step instead of the journal's item-by-item
 * protocol. The backtest runs the application's steps on it; the ledger suite runs on it as on dynalite and
 * DynamoDB Local. Nothing here imports the AWS SDK or ElectroDB.
 */
import type { LedgerRepository } from '../repository/index.ts';
import { memoryBookLedger } from './books.ts';
import { memoryControlLedger } from './controls.ts';
import { memoryOrderLedger } from './orders.ts';
import { memoryPlanLedger } from './plans.ts';
import { memoryRunLedger } from './runs.ts';
import { memorySignalLedger } from './signals.ts';
import { createMemoryLedgerStore, type MemoryCtx, type MemoryLedgerStore } from './store.ts';
import { memoryTransferLedger } from './transfers.ts';

export { createMemoryLedgerStore, type MemoryLedgerStore } from './store.ts';

/** Options of {@link createMemoryLedger}. */
export interface MemoryLedgerOptions {
  /** Where the records live; ledgers sharing a store share their records. @default a new, empty store */
  readonly store?: MemoryLedgerStore;
  /** Clock for the timestamps the ledger writes. @default () => new Date() */
  readonly clock?: () => Date;
  /**
   * Called before every write with its operation's name (e.g. `recordFill`, `applyFill`): a test counts
   * writes here, or throws to simulate a crash between two of them. @default none
   */
  readonly beforeWrite?: (operation: string) => void;
}

/** A ledger in memory (see the module comment). */
export const createMemoryLedger = (options: MemoryLedgerOptions = {}): LedgerRepository => {
  const clock = options.clock ?? (() => new Date());
  const m: MemoryCtx = {
    store: options.store ?? createMemoryLedgerStore(),
    now: () => clock().toISOString(),
    write: options.beforeWrite ?? (() => {}),
  };
  return {
    ...memoryRunLedger(m),
    ...memorySignalLedger(m),
    ...memoryPlanLedger(m),
    ...memoryOrderLedger(m),
    ...memoryBookLedger(m),
    ...memoryTransferLedger(m),
    ...memoryControlLedger(m),
  };
};

/**
 * Every record of a store, each with its `kind`, by kind then key: a state to compare (a replay, or a run
 * completed after a crash, must leave the same records as one clean pass).
 */
export const dumpMemoryLedger = (store: MemoryLedgerStore): Record<string, unknown>[] => {
  const { flowState, killSwitch, ...tables } = store;
  const rows = Object.entries(tables).flatMap(([kind, table]) =>
    table.rows().map((row: object) => ({ kind, ...row })),
  );
  return [
    ...rows,
    ...(flowState ? [{ kind: 'flowState', ...flowState }] : []),
    ...(killSwitch ? [{ kind: 'killSwitch', ...killSwitch }] : []),
  ];
};
