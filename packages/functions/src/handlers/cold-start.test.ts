import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_CONFIG } from '@ensemble/app/testing';
import { ensureSimBrokerTable } from '@ensemble/broker';
import { createLedger, ensureTable } from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler } from './prepare-run.ts';
import { setContextFactory } from './wrap.ts';

describe('a cold start from the Lambda environment (ENSEMBLE_BROKER=sim)', () => {
  const objects = new Map<string, string>();
  const s3 = mockClient(S3Client);
  let stop: () => Promise<void>;
  let endpoint: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    // Arrange: DynamoDB is a real dynalite reached through the SDK's standard endpoint variable; S3 is the
    // one AWS service with no local server here, so it is an in-memory mock of the SDK client.
    const db = await startEmbeddedDynamo();
    stop = db.stop;
    endpoint = db.endpoint;
    const client = createLocalDynamoClient(endpoint);
    await ensureTable(client, 'ensemble-test');
    await ensureSimBrokerTable(client, 'ensemble-sim-test');
    client.destroy();
    s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) => {
      objects.set(input.Key, input.Body);
      return {};
    });
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      const text = objects.get(input.Key);
      if (text === undefined) throw new NoSuchKey({ message: 'no such key', $metadata: {} });
      return { Body: { transformToString: async () => text } };
    });
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      ENSEMBLE_TABLE: 'ensemble-test',
      ENSEMBLE_BUCKET: 'ensemble-snapshots',
      ENSEMBLE_STAGE: 'dev',
      ENSEMBLE_BROKER: 'sim',
      ENSEMBLE_SIM_BROKER_TABLE: 'ensemble-sim-test',
      ENSEMBLE_CONFIG: DEFAULT_CONFIG,
    });
    setContextFactory(undefined);
  });
  afterAll(async () => {
    process.env = saved;
    s3.restore();
    await stop?.();
  });

  it('builds the context once from the environment and prepares a run through the handler', async () => {
    // Act
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let output: unknown;
    try {
      output = await handler(
        { input: { tradingDay: '2025-12-01' }, execution: { id: 'arn:exec', name: 'exec' } },
        {
          awsRequestId: 'req',
          functionName: 'prepare-run',
          invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:prepare-run',
          memoryLimitInMB: '1024',
          functionVersion: '1',
          logGroupName: 'g',
          logStreamName: 's',
          callbackWaitsForEmptyEventLoop: false,
          getRemainingTimeInMillis: () => 60_000,
          done: () => {},
          fail: () => {},
          succeed: () => {},
        },
      );
    } finally {
      out.mockRestore();
    }
    // Assert
    expect(output).toMatchObject({ runId: '2025-12-01.dev', action: 'TRADE', stage: 'dev', hasPool: true });
    const ref = (output as { snapshotRef: string }).snapshotRef;
    expect([...objects.keys()]).toEqual([ref]);
    const ledger = createLedger({ table: 'ensemble-test', client: createLocalDynamoClient(endpoint) });
    expect((await ledger.getRun('2025-12-01.dev'))?.dataSnapshot).toBe(ref);
    expect(Object.keys((await ledger.getFlowState()).flows)).toHaveLength(10);
  });
});
