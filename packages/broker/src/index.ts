/**
 * `@ensemble/broker`: the simulated broker (`SimBroker`), the embedded default implementation of the core
 * `Broker` port, with its state stores (in memory, DynamoDB), fill-price sources and fee models. `./sim`
 * has the same without the DynamoDB store.
 */
export {
  createDynamoSimBrokerStore,
  type DynamoSimBrokerStoreOptions,
  ensureSimBrokerTable,
  SIM_BROKER_TABLE,
} from './dynamo-store.ts';
export type { DelayedFillRule, PartialFillRule, SimFaultKind, SimFaults, SimOperation } from './faults.ts';
export { readOnlyStore } from './read-only-store.ts';
export * from './sim.ts';
export { soleWriterStore } from './sole-writer-store.ts';
