/** Public surface of the rebalance planner (re-exported by the core package's index). */
export { mergeTargets, type PoolPlan, type PoolPlanInput, planPool } from './aggregate.ts';
export { type Assessment, type MarkedBook, markBook, readTargets, WEIGHT_SUM_TOLERANCE } from './corridor.ts';
export { PlanInputInvalidError } from './errors.ts';
export { type BookSymbols, bookSymbols, type SymbolOverlap, symbolOverlap } from './overlap.ts';
export { planRebalance } from './plan.ts';
export { isoWeek, isRebalanceDue } from './schedule.ts';
export {
  BROKER_MIN_NOTIONAL,
  PlannerSettings,
  type PlannerSettingsInput,
  parsePlannerSettings,
  RebalanceFrequency,
  RebalancePolicy,
  settingsFromStrategy,
} from './settings.ts';
export {
  AssetFacts,
  type DriftRow,
  type Plan,
  PlanInput,
  type PlanLine,
  type PlanTrigger,
  Schedule,
  type SkippedLine,
  TargetWeights,
} from './types.ts';
