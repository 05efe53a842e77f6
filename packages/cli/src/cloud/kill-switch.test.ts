/**
 * `ensemble cloud kill-switch` against a real DynamoDB-compatible server on loopback (dynalite), the stage's
 * table created by the ledger's `ensureTable` under the name the stack gives it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createLedger, ensureTable } from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudDeps, cloudCommand } from '../commands/cloud.ts';
import type { CliIO } from '../io.ts';
import { ledgerTableNameOf } from './naming.ts';

const NOW = new Date('2025-06-02T19:50:00.000Z');

const capture = (env: Record<string, string> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), cwd: '/', env };
  return { io, out, err };
};

describe('ensemble cloud kill-switch', () => {
  let stop: () => Promise<void>;
  let endpoint: string;
  let dynamo: DynamoDBClient;
  let deps: CloudDeps;

  beforeAll(async () => {
    // Arrange: the prod stage's table on a loopback dynalite; no table for any other stage.
    const db = await startEmbeddedDynamo();
    stop = db.stop;
    endpoint = db.endpoint;
    dynamo = createLocalDynamoClient(endpoint);
    await ensureTable(dynamo, ledgerTableNameOf('prod'));
    deps = { client: new SFNClient({ region: 'us-east-1' }), now: () => NOW, dynamo };
  });
  afterAll(async () => {
    dynamo?.destroy();
    await stop?.();
  });

  /** The switch as the ledger (what Execute reads) sees it in `table`. */
  const ledgerSwitch = (table: string) => createLedger({ table, client: dynamo }).getKillSwitch();

  it('shows the switch off on a fresh stage', async () => {
    const { io, out } = capture();
    const code = await cloudCommand(['kill-switch', '--stage', 'prod'], io, deps);
    expect(code).toBe(0);
    expect(out).toEqual(['Kill switch off on prod', '  table ensemble-prod-ledger']);
  });

  it('on → the stage table holds it, with reason, who and when; off clears it', async () => {
    // Act: on
    const on = capture({ USER: 'alice' });
    const codeOn = await cloudCommand(
      ['kill-switch', 'on', '--stage', 'prod', '--reason', 'broker outage', '--json'],
      on.io,
      deps,
    );
    // Assert: in ensemble-prod-ledger, as the ledger reads it
    expect(codeOn).toBe(0);
    const expected = {
      enabled: true,
      reason: 'broker outage',
      updatedBy: 'alice',
      updatedAt: NOW.toISOString(),
    };
    expect(JSON.parse(on.out.join(''))).toEqual({
      stage: 'prod',
      table: 'ensemble-prod-ledger',
      ...expected,
    });
    expect(await ledgerSwitch('ensemble-prod-ledger')).toEqual(expected);

    // Read back through the command (the stage may come from ENSEMBLE_STAGE for a read)
    const shown = capture({ ENSEMBLE_STAGE: 'prod' });
    expect(await cloudCommand(['kill-switch'], shown.io, deps)).toBe(0);
    expect(shown.out[0]).toBe(`Kill switch ON on prod — broker outage (alice, ${NOW.toISOString()})`);

    // Act: off, with the default reason
    const off = capture();
    expect(await cloudCommand(['kill-switch', 'off', '--stage', 'prod'], off.io, deps)).toBe(0);
    expect(await ledgerSwitch('ensemble-prod-ledger')).toEqual({
      enabled: false,
      reason: 'cleared from the command line',
      updatedBy: 'ensemble-cli',
      updatedAt: NOW.toISOString(),
    });
    expect(off.out[0]).toMatch(/^Kill switch off on prod — cleared from the command line/);
  });

  it('a stage without its table is exit 1 with a message naming the table, and writes nothing', async () => {
    const { io, err } = capture();
    const code = await cloudCommand(['kill-switch', 'on', '--stage', 'alice'], io, deps);
    expect(code).toBe(1);
    expect(err.join('\n')).toBe(
      'ensemble cloud: no ledger table ensemble-alice-ledger in this account and region ' +
        '(deploy the stage: npx sst deploy --stage alice)',
    );
    expect((await ledgerSwitch('ensemble-prod-ledger')).enabled).toBe(false);
  });

  it('refuses bad usage: a set without --stage, an unknown action, --reason alone', async () => {
    const env = { ENSEMBLE_STAGE: 'prod' };
    await expect(cloudCommand(['kill-switch', 'on'], capture(env).io, deps)).rejects.toThrow(/--stage/);
    await expect(cloudCommand(['kill-switch'], capture().io, deps)).rejects.toThrow(/--stage/);
    await expect(
      cloudCommand(['kill-switch', 'maybe', '--stage', 'prod'], capture().io, deps),
    ).rejects.toThrow(/on, off, or nothing/);
    await expect(
      cloudCommand(['kill-switch', '--stage', 'prod', '--reason', 'x'], capture().io, deps),
    ).rejects.toThrow(/--reason goes with on or off/);
    expect((await ledgerSwitch('ensemble-prod-ledger')).enabled).toBe(false);
  });

  it('without an injected client, uses one from the AWS environment (endpoint, region, credentials)', async () => {
    // Arrange: the SDK's standard variables point at the loopback server
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      // Act
      const { io } = capture({ USER: 'bob' });
      const code = await cloudCommand(['kill-switch', 'on', '--stage', 'prod'], io, {
        client: deps.client,
        now: () => NOW,
      });
      // Assert
      expect(code).toBe(0);
      expect(await ledgerSwitch('ensemble-prod-ledger')).toMatchObject({
        enabled: true,
        reason: 'set from the command line',
        updatedBy: 'bob',
      });
    } finally {
      process.env = saved;
    }
  });
});
