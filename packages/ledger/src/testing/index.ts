export { type CountingClient, countingClient } from './clients.ts';
export {
  fixedClock,
  forEachDynamoDbServer,
  forEachServer,
  forEachServerLong,
  newTestLedger,
  type TestLedger,
} from './harness.ts';
export {
  PLANNED_STRATEGIES,
  type PlanDayOptions,
  type PlannedDayLedger,
  planDay,
  plannedPrice,
} from './planned-day.ts';
export {
  freeLoopbackPort,
  MEMORY_ENDPOINT,
  startDynamoDbLocal,
  type TestServer,
  testServers,
} from './servers.ts';
export { type SimulateDayOptions, type SimulatedDayLedger, simulateDay } from './simulate.ts';
