export { type CountingClient, countingClient, SimulatedCrash } from './clients.ts';
export { fixedClock, forEachServer, forEachServerLong, newTestLedger, type TestLedger } from './harness.ts';
export { PLANNED_STRATEGIES, type PlanDayOptions, planDay, plannedPrice } from './planned-day.ts';
export { freeLoopbackPort, startDynamoDbLocal, type TestServer, testServers } from './servers.ts';
export { type SimulateDayOptions, simulateDay } from './simulate.ts';
