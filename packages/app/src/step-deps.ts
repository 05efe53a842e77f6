/**
 * What every step function receives: the application context, a reader of snapshots shared by the steps,
 * and the settings derived from the configuration, parsed once per context (the configuration never
 * changes within one: a retried or later step reads the same).
 */

import type { LoadedStrategy } from '@ensemble/config';
import { type CapitalPolicy, type PlannerSettings, RailSettings } from '@ensemble/core';
import type { LedgerRepository } from '@ensemble/ledger';
import { createSnapshotReader, type LoadedSnapshot, type MarketSnapshot } from './market-snapshot.ts';
import type { AppContext } from './ports.ts';
import { bookSettings, capitalPolicyOf, poolSettings } from './strategies.ts';

/** Settings derived from the configuration (each parsed on first use, then kept). */
export interface ConfigSettings {
  /** A per-book strategy's planner settings (its `defsymphony` settings). */
  book(strategy: LoadedStrategy): PlannerSettings;
  /** The pool's planner settings. */
  pool(): PlannerSettings;
  /** The account's capital policy. */
  capitalPolicy(): CapitalPolicy;
  /** The rails' settings, defaults filled in. */
  rails(): RailSettings;
}

/** A step's dependencies; `L` is the part of the ledger it uses (see {@link Ports}). */
export interface StepDeps<L = LedgerRepository> extends AppContext<L> {
  /** Reads (and keeps the last few of) the run's market-data snapshots by reference. */
  readonly readSnapshot: (ref: string) => Promise<LoadedSnapshot>;
  /** Keeps a snapshot this process just stored under `ref` as read (see `SnapshotReader.remember`). */
  readonly rememberSnapshot: (ref: string, snapshot: MarketSnapshot) => LoadedSnapshot;
  readonly settings: ConfigSettings;
}

/** `compute` once, on first call. */
const once = <T>(compute: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
};

/** The settings of `app`'s configuration. */
const configSettings = (app: AppContext): ConfigSettings => {
  const books = new Map<LoadedStrategy, PlannerSettings>();
  return {
    book(strategy) {
      let s = books.get(strategy);
      if (!s) books.set(strategy, (s = bookSettings(strategy)));
      return s;
    },
    pool: once(() => poolSettings(app.config)),
    capitalPolicy: once(() => capitalPolicyOf(app.config)),
    rails: once(() => RailSettings.parse(app.config.rails)),
  };
};

/** Step dependencies over an application context. */
export const stepDeps = (app: AppContext): StepDeps => {
  const reader = createSnapshotReader(app.ports.snapshots);
  return {
    ...app,
    readSnapshot: (ref) => reader.read(ref),
    rememberSnapshot: (ref, snapshot) => reader.remember(ref, snapshot),
    settings: configSettings(app),
  };
};
