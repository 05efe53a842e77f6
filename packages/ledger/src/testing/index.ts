export { type CountingClient, countingClient } from './clients.ts';
export { fixedClock, forEachServer, newTestLedger, type TestLedger } from './harness.ts';
export { PLANNED_STRATEGIES, type PlanDayOptions, planDay, plannedPrice } from './planned-day.ts';
export { freeLoopbackPort, startDynamoDbLocal, type TestServer, testServers } from './servers.ts';
export { type SimulateDayOptions, simulateDay } from './simulate.ts';
