/** What every step function receives: the runtime, and a reader of snapshots shared by the steps. */
import { createSnapshotReader, type LoadedSnapshot } from '../market-snapshot.ts';
import type { Runtime } from '../runtime.ts';

/** A step's dependencies. */
export interface StepDeps {
  readonly runtime: Runtime;
  /** Reads (and keeps the last few of) the run's market-data snapshots by reference. */
  readonly readSnapshot: (ref: string) => Promise<LoadedSnapshot>;
}

/** Step dependencies over a runtime. */
export const stepDeps = (runtime: Runtime): StepDeps => {
  const reader = createSnapshotReader(runtime.snapshots);
  return { runtime, readSnapshot: (ref) => reader.read(ref) };
};
