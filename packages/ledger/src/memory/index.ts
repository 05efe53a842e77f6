/**
 * The memory ledger (the `./memory` subpath): a {@link LedgerRepository} over in-process maps with the same
 * semantics as the DynamoDB one — create-once records (`created`/`exists`/`conflict`), conditional
 * transitions (`updated`/`replayed`/`conflict`), fills and transfers applied exactly once through core's
 * book math, transfer plans and the FlowState, NAVs, leases, notional reservations, the kill switch, and
 * lists in the same key order with cursors. The records, replay rules and journal effects are the DynamoDB
 * repository's own (repository/records.ts, repository/effects.ts); what differs is only storage: one
 * process, no network, and each fill or transfer applied in one step instead of the journal's item-by-item
 * protocol. `createMemoryShadowLedger` is the same repository in the store's shadow scope, plus the paper
 * accounts of shadow mode (the DynamoDB `createShadowLedger`). The backtest runs the application's steps on
 * it; the ledger suite runs on it as on dynalite and DynamoDB Local. Nothing here imports the AWS SDK or
 * ElectroDB.
 */
import type { LedgerRepository, ShadowLedger } from '../repository/index.ts';
import { memoryBookLedger } from './books.ts';
import { memoryControlLedger } from './controls.ts';
import { memoryOrderLedger } from './orders.ts';
import { memoryPaperAccountLedger } from './paper-accounts.ts';
import { memoryPlanLedger } from './plans.ts';
import { memoryRunLedger } from './runs.ts';
import { memorySignalLedger } from './signals.ts';
import {
  createMemoryLedgerStore,
  type MemoryCtx,
  type MemoryLedgerStore,
  type MemoryScopeStore,
} from './store.ts';
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

const contextOf = (options: MemoryLedgerOptions) => {
  const clock = options.clock ?? (() => new Date());
  // The last instant's ISO text, reused while the clock reads the same instant (a backtest's stands still).
  let last = { ms: Number.NaN, iso: '' };
  const now = (): string => {
    const date = clock();
    const ms = date.getTime();
    if (ms !== last.ms) last = { ms, iso: date.toISOString() };
    return last.iso;
  };
  return {
    store: options.store ?? createMemoryLedgerStore(),
    now,
    write: options.beforeWrite ?? (() => {}),
  };
};

const repositoryOf = (m: MemoryCtx): LedgerRepository => ({
  ...memoryRunLedger(m),
  ...memorySignalLedger(m),
  ...memoryPlanLedger(m),
  ...memoryOrderLedger(m),
  ...memoryBookLedger(m),
  ...memoryTransferLedger(m),
  ...memoryControlLedger(m),
});

/** A ledger in memory, in the store's production scope (see the module comment). */
export const createMemoryLedger = (options: MemoryLedgerOptions = {}): LedgerRepository =>
  repositoryOf(contextOf(options));

/** The shadow-scope ledger of a memory store: the repository apart from production, and paper accounts. */
export const createMemoryShadowLedger = (options: MemoryLedgerOptions = {}): ShadowLedger => {
  const { store, now, write } = contextOf(options);
  const m = { store: store.shadow, now, write };
  return { ...repositoryOf(m), ...memoryPaperAccountLedger(m) };
};

/** Every record of one scope, each with its `table`, by table then key. */
const dumpScope = (store: MemoryScopeStore): Record<string, unknown>[] => {
  const { flowState, killSwitch, ...tables } = store;
  const rows = Object.entries(tables).flatMap(([name, table]) =>
    table.rows().map((row: object) => ({ ...row, table: name })),
  );
  return [
    ...rows,
    ...(flowState ? [{ ...flowState, table: 'flowState' }] : []),
    ...(killSwitch ? [{ ...killSwitch, table: 'killSwitch' }] : []),
  ];
};

/**
 * Every record of a store, each with its `table`, by table then key, production's then the shadow scope's
 * (`scope: 'shadow'`): a state to compare (a replay, or a run completed after a crash, must leave the same
 * records as one clean pass).
 */
export const dumpMemoryLedger = (store: MemoryLedgerStore): Record<string, unknown>[] => {
  const { shadow, ...production } = store;
  return [...dumpScope(production), ...dumpScope(shadow).map((row) => ({ ...row, scope: 'shadow' }))];
};
