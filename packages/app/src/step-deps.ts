/** What every step function receives: the application context, and a reader of snapshots shared by the steps. */

import type { LedgerRepository } from '@ensemble/ledger';
import { createSnapshotReader, type LoadedSnapshot } from './market-snapshot.ts';
import type { AppContext } from './ports.ts';

/** A step's dependencies; `L` is the part of the ledger it uses (see {@link Ports}). */
export interface StepDeps<L = LedgerRepository> extends AppContext<L> {
  /** Reads (and keeps the last few of) the run's market-data snapshots by reference. */
  readonly readSnapshot: (ref: string) => Promise<LoadedSnapshot>;
}

/** Step dependencies over an application context. */
export const stepDeps = (app: AppContext): StepDeps => {
  const reader = createSnapshotReader(app.ports.snapshots);
  return { ...app, readSnapshot: (ref) => reader.read(ref) };
};
