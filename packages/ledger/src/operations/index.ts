/** Book operations through the ledger: funding, capital rebalancing, the flow flag flip, corporate actions. */
export {
  allocationsChanged,
  type CapitalLedger,
  FundBooksInput,
  type FundBooksResult,
  fundBooks,
  RebalanceCapitalInput,
  type RebalanceCapitalResult,
  rebalanceCapital,
} from './capital.ts';
export {
  ApplyCorporateActionInput,
  applyCorporateAction,
  type CorporateActionLedger,
  type CorporateActionResult,
} from './corporate-actions.ts';
export {
  FlipFlowInput,
  type FlipFlowResult,
  type FlipLedger,
  flipFlow,
  sharesFromAttributions,
} from './flip.ts';
export {
  applyTransferPlan,
  type PlanApplyLedger,
  type PlanContent,
  settlePending,
} from './plan-runner.ts';
