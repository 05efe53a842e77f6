/** Book operations through the ledger: funding, capital drift rebalancing, the flow flag flip. */
export {
  type CapitalLedger,
  FundBooksInput,
  type FundBooksResult,
  fundBooks,
  RebalanceCapitalInput,
  type RebalanceCapitalResult,
  rebalanceCapital,
} from './capital.ts';
export {
  FlipFlowInput,
  type FlipFlowResult,
  type FlipLedger,
  flipFlow,
  sharesFromAttributions,
} from './flip.ts';
export { type PlanContent, settlePending } from './plan-runner.ts';
