/**
 * `@ensemble/config`: the operator's `ensemble.config.yaml` (the account, and which strategy files trade
 * with what allocation and flow), validated as a whole before anything runs.
 */

export { ConfigInvalidError } from './errors.ts';
export { loadConfig, loadConfigText, resolveStrategyFile } from './load.ts';
export {
  AccountConfig,
  CapitalPolicy,
  CapitalRebalanceFrequency,
  CONFIG_FILE_NAME,
  EnsembleConfig,
  SimulatedFills,
  StrategyConfig,
  StrategyMode,
} from './schema.ts';
export type { LoadedConfig, LoadedStrategy, LoadOptions } from './types.ts';
