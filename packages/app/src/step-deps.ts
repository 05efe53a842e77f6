/** What every step function receives: the application context, and a reader of snapshots shared by the steps. */
import { createSnapshotReader, type LoadedSnapshot } from './market-snapshot.ts';
import type { AppContext } from './ports.ts';

/** A step's dependencies. */
export interface StepDeps extends AppContext {
  /** Reads (and keeps the last few of) the run's market-data snapshots by reference. */
  readonly readSnapshot: (ref: string) => Promise<LoadedSnapshot>;
}

/** Step dependencies over an application context. */
export const stepDeps = (app: AppContext): StepDeps => {
  const reader = createSnapshotReader(app.ports.snapshots);
  return { ...app, readSnapshot: (ref) => reader.read(ref) };
};
