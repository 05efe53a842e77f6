/** Public API of `@ensemble/execution`: execute one book's plan exactly once, with rails; reconcile. */
export {
  ClientOrderIdParts,
  clientOrderId,
  MAX_CLIENT_ORDER_ID_LENGTH,
  parseClientOrderId,
} from './client-order-id.ts';
export {
  ExecutionInputInvalidError,
  ExecutionInvariantError,
} from './errors.ts';
export { executePlan, type IdentifiedLine, identifyLines } from './execute.ts';
export {
  crashAt,
  type FaultContext,
  type FaultInjector,
  type FaultPoint,
  FaultPoints,
  noFaults,
  type RandomFaultsOptions,
  randomFaults,
} from './faults.ts';
export { fillIdOf } from './order-sync.ts';
export { compareEquity, type EquityComparison, type EquityLedger, type RailVerdict } from './rails.ts';
export { createRandom, type Random } from './random.ts';
export {
  type ReconcileDifference,
  type ReconcileOptions,
  type ReconcileResult,
  receivableDividends,
  reconcile,
  unallocatedFromTransfers,
} from './reconcile.ts';
export {
  type RecoverDeps,
  type RecoveredAction,
  type RecoveredOrder,
  type RecoverInput,
  recoverRunOrders,
} from './recover.ts';
export {
  AsOfPrice,
  ExecLine,
  type ExecuteDeps,
  type ExecutedOrder,
  ExecuteInput,
  type ExecuteResult,
  type ExecutionLedger,
  type SkippedOrder,
} from './types.ts';
