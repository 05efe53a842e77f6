/**
 * The simulated broker without its DynamoDB store (the `./sim` subpath): the SimBroker, its memory store,
 * fill prices and fee models — what a process that keeps its account in memory (a backtest) imports, so it
 * does not load the AWS SDK.
 */
export {
  type FeeInput,
  type FeeModel,
  type FillCosts,
  fillCostOptions,
  notionalFees,
  type RegulatoryFeeOptions,
  regulatoryFees,
  zeroFees,
} from './fees.ts';
export { createMemorySimBrokerStore } from './memory-store.ts';
export {
  closePricesFrom,
  type FillPriceSource,
  type PricePoint,
  type StaticPrices,
  staticPrices,
} from './prices.ts';
export {
  createSimBroker,
  DEFAULT_STARTING_CASH,
  type SimBroker,
  type SimBrokerOptions,
} from './sim-broker.ts';
export {
  type SimAccountSnapshot,
  SimAccountState,
  type SimBrokerStore,
  SimOrderRecord,
  type SimPosition,
} from './types.ts';
