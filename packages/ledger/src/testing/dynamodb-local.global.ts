/**
 * vitest global setup of the ledger suite: one DynamoDB Local (a JVM, ~5 s of CPU to start) for the whole
 * run instead of one per test file. Its endpoint reaches the test files through `inject`; each test makes
 * tables of its own names, so files share the server safely, in parallel too. Where Java is missing,
 * nothing starts and `forEachServer` skips DynamoDB Local with its message.
 */
import type { TestProject } from 'vitest/node';
import { javaMissing, startDynamoDbLocal } from './servers.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (javaMissing()) {
    project.provide('dynamoDbLocalEndpoint', undefined);
    return async () => {};
  }
  const server = await startDynamoDbLocal();
  project.provide('dynamoDbLocalEndpoint', server.endpoint);
  return () => server.stop();
}
