/**
 * `@ensemble/broker`: the simulated broker (`SimBroker`), the embedded default implementation of the core
 * `Broker` port, with its state stores (in memory, DynamoDB), fill-price sources and fee models.
 */
export {
  createDynamoSimBrokerStore,
  type DynamoSimBrokerStoreOptions,
  ensureSimBrokerTable,
  SIM_BROKER_TABLE,
} from './dynamo-store.ts';
export type { DelayedFillRule, PartialFillRule, SimFaultKind, SimFaults, SimOperation } from './faults.ts';
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
export { soleWriterStore } from './sole-writer-store.ts';
export type {
  SimAccountSnapshot,
  SimAccountState,
  SimBrokerStore,
  SimOrderRecord,
  SimPosition,
} from './types.ts';
