/** What loading a configuration produces, and how loading reaches the file system. */

import type { RailSettingsInput, Strategy, StrategyRequirements } from '@ensemble/core';
import type { AccountConfig, StrategyConfig } from './schema.ts';

/** One strategy entry of the config, with its file parsed and analysed. */
export interface LoadedStrategy extends StrategyConfig {
  /** The strategy file's path: `file` resolved against the config file's folder. */
  readonly path: string;
  /** The parsed strategy. */
  readonly strategy: Strategy;
  /** Symbols and bars the strategy needs (from `analyzeStrategy`). */
  readonly requirements: StrategyRequirements;
}

/** A configuration that passed every check. */
export interface LoadedConfig {
  /** Path of the config file, as given. */
  readonly path: string;
  /** The account settings, with the deprecated `driftBand` read as `poolCorridor`. */
  readonly account: Omit<AccountConfig, 'driftBand'>;
  /** Safety-rail settings as written (execution fills in the defaults); `{}` when the file has none. */
  readonly rails: RailSettingsInput;
  /** Every entry, in file order, disabled ones included (they do not trade; filter on `enabled`). */
  readonly strategies: readonly LoadedStrategy[];
  /** Problems that do not stop a run, e.g. allocations summing under 1. */
  readonly warnings: readonly string[];
}

/** How {@link LoadedConfig} loading reads files; inject to test without a disk. */
export interface LoadOptions {
  /**
   * Reads a UTF-8 text file. A missing file must reject with an error whose `code` is `ENOENT`.
   * @default `fs.promises.readFile(path, 'utf8')`
   */
  readonly readFile?: (path: string) => Promise<string>;
}
