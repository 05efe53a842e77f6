/** Public surface of the book math (re-exported by the core package's index). */
export {
  assertShares,
  attributeOrder,
  type Contribution,
  memberValues,
  normalizeShares,
  type OrderAttribution,
  PoolShares,
} from './attribution.ts';
export {
  type Allocations,
  type BookCapital,
  type CapitalDrift,
  CapitalPolicy,
  type CapitalRebalance,
  type CapitalRebalanceOptions,
  fundBooks,
  initialFunding,
  MIN_POSITION_MOVE,
  type PositionMove,
  parseCapitalPolicy,
  planCapitalRebalance,
  positionSlices,
  resolveAllocations,
  type StrategyFlow,
} from './capital.ts';
export {
  CashDividend,
  CorporateAction,
  type CorporateActionInput,
  corporateActionId,
  dividendTransfers,
  type Holder,
  type InferSplitInput,
  inferSplit,
  Split,
  splitRatio,
  splitTransfers,
} from './corporate-actions.ts';
export { proRataCost } from './cost-basis.ts';
export { AllocationInvalidError, BookInvariantError, PriceInvalidError } from './errors.ts';
export { applyFill, applyFills, Fill, type FillResult, normalizePositions } from './fills.ts';
export { type CarveInput, carveFromPool, type FlipResult, type MergeInput, mergeIntoPool } from './flip.ts';
export {
  type Cross,
  type CrossInput,
  crossCostBases,
  crossOrders,
  type NettableLine,
  netLines,
} from './netting.ts';
export { Prices, requirePrice } from './prices.ts';
export {
  applyTransfers,
  type CashTransfer,
  type Endpoint,
  EXTERNAL,
  movesUnallocatedCash,
  type PositionTransfer,
  type Transfer,
  UNALLOCATED,
} from './transfers.ts';
export * from './types.ts';
export {
  type BookTotals,
  type BookValuation,
  bookTotals,
  type PositionValue,
  valueBook,
} from './valuation.ts';
