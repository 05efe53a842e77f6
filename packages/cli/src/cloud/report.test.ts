/**
 * `ensemble cloud report` against a real DynamoDB-compatible server on loopback (dynalite): the stage's
 * table under the name the stack gives it, holding a funded book and its NAV records.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { PerformanceReport } from '@ensemble/core';
import { createLedger, ensureTable } from '@ensemble/ledger';
import { createLocalDynamoClient, startEmbeddedDynamo } from '@ensemble/ledger/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/support/cli.ts';
import { type CloudDeps, cloudCommand } from '../commands/cloud.ts';
import type { CliIO } from '../io.ts';
import { ledgerTableNameOf } from './naming.ts';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), cwd: REPO_ROOT, env: {} };
  return { io, out, err };
};

describe('ensemble cloud report', () => {
  let stop: () => Promise<void>;
  let dynamo: DynamoDBClient;
  let deps: CloudDeps;

  beforeAll(async () => {
    // Arrange: the prod stage's table with one book (gold) funded on the 24th and three NAV records.
    const db = await startEmbeddedDynamo();
    stop = db.stop;
    dynamo = createLocalDynamoClient(db.endpoint);
    await ensureTable(dynamo, ledgerTableNameOf('prod'));
    const ledger = createLedger({ table: ledgerTableNameOf('prod'), client: dynamo });
    await ledger.applyTransfer({
      transferId: 'fund:gold',
      day: '2025-11-24',
      from: 'unallocated',
      to: 'strategy#gold',
      reason: 'funding',
      kind: 'cash',
      amount: '1000',
    });
    const navs = [
      ['2025-11-24', '1000', '1000'],
      ['2025-11-25', '1100', '0'],
      ['2025-11-26', '990', '0'],
    ] as const;
    for (const [day, nav, flowsIn] of navs)
      await ledger.recordNav({ bookId: 'strategy#gold', day, cash: nav, positionsValue: '0', nav, flowsIn });
    deps = { client: new SFNClient({ region: 'us-east-1' }), now: () => new Date(), dynamo };
  });
  afterAll(async () => {
    dynamo?.destroy();
    await stop?.();
  });

  it('reads the stage’s recorded days from its ledger table: the same report as ensemble report', async () => {
    // Act
    const { io, out, err } = capture();
    const code = await cloudCommand(['report', '--stage', 'prod', '--json'], io, deps);
    // Assert
    expect(code, err.join('\n')).toBe(0);
    const report: PerformanceReport = JSON.parse(out.join(''));
    expect([report.from, report.to, report.sessions, report.flow]).toEqual([
      '2025-11-24',
      '2025-11-26',
      3,
      'recorded',
    ]);
    const gold = report.strategies.find((s) => s.id === 'gold')!;
    expect(gold.equity.map(([, v]) => v)).toEqual(['1000', '1100', '990']);
    expect(gold.metrics.totalReturn).toBeCloseTo(-0.01, 12);
    expect(gold.metrics.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(report.benchmark?.symbol).toBe('SPY');
  });

  it('a stage without its table, or with nothing recorded in the range, is one line and exit 1', async () => {
    const missing = capture();
    expect(await cloudCommand(['report', '--stage', 'staging'], missing.io, deps)).toBe(1);
    expect(missing.err).toEqual([
      'ensemble cloud: no ledger table ensemble-staging-ledger in this account and region (deploy the stage: npx sst deploy --stage staging)',
    ]);
    const empty = capture();
    expect(await cloudCommand(['report', '--stage', 'prod', '--from', '2025-12-20'], empty.io, deps)).toBe(1);
    expect(empty.err).toEqual(['ensemble cloud: prod has no recorded session in that range']);
  });
});
