/**
 * Test clients: one that counts writes, and one that "crashes" (throws before sending) once it has let a
 * given number of writes through, to simulate a process dying between any two ledger writes.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SimulatedCrash } from '@ensemble/core';
import { createLocalDynamoClient } from '../embedded.ts';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/** A client and its count of writes sent. */
export interface CountingClient {
  client: DynamoDBClient;
  writes(): number;
}

/** A client that counts writes; with `crashAfter`, it throws {@link SimulatedCrash} instead of write N+1. */
export const countingClient = (endpoint: string, crashAfter = Number.POSITIVE_INFINITY): CountingClient => {
  const client = createLocalDynamoClient(endpoint);
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITES.has(context.commandName ?? '')) {
        if (writes >= crashAfter) throw new SimulatedCrash(`before write #${writes + 1}`);
        writes++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'ledgerWriteCounter' },
  );
  return { client, writes: () => writes };
};
