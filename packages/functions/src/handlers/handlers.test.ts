import { startWorld, stepsOf, type World } from '@ensemble/app/testing';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger, metrics } from '../powertools.ts';
import { handler as evaluateHandler } from './evaluate.ts';
import { handler as recordBranchFailureHandler } from './record-branch-failure.ts';
import { setContextFactory } from './wrap.ts';

const D = '2025-12-01';

const fakeContext = (requestId: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'ensemble-evaluate',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ensemble-evaluate',
  memoryLimitInMB: '1024',
  awsRequestId: requestId,
  logGroupName: '/aws/lambda/ensemble-evaluate',
  logStreamName: '2025/12/01/[$LATEST]abc',
  getRemainingTimeInMillis: () => 60_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** Captures what Powertools writes to stdout and stderr during `fn`, as parsed JSON lines. */
const captured = async (
  fn: () => Promise<unknown>,
): Promise<{ lines: Record<string, unknown>[]; raw: string }> => {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await fn();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const raw = chunks.join('');
  const lines = raw
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, raw };
};

describe('Lambda handlers (Powertools offline, fake Lambda context)', () => {
  let world: World;
  let ref: { runId: string; tradingDay: string; stage: string; snapshotRef: string };

  beforeAll(async () => {
    world = await startWorld();
    world.setDay(D);
    const prepared = (await stepsOf(world).PrepareRun({
      input: { tradingDay: D },
      execution: { id: 'exec', name: 'exec' },
    })) as typeof ref;
    ref = { runId: prepared.runId, tradingDay: D, stage: 'local', snapshotRef: prepared.snapshotRef };
    setContextFactory(async () => world.app({ logger, metrics }));
  });
  afterAll(async () => world?.close());

  it('Evaluate: parses, runs, logs every line with runId, strategyId and tradingDay, and emits EMF', async () => {
    // Act
    let output: unknown;
    const { lines } = await captured(async () => {
      output = await evaluateHandler(
        { ...ref, strategyId: 'tqqq-ftlt', flow: 'per-book' },
        fakeContext('req-1'),
      );
    });
    // Assert
    expect(output).toEqual({ targets: 1 });
    const logs = lines.filter((l) => 'level' in l);
    expect(logs.map((l) => l.message)).toEqual(['task started', 'task done']);
    for (const l of logs) {
      expect(l).toMatchObject({
        runId: '2025-12-01.local',
        strategyId: 'tqqq-ftlt',
        tradingDay: D,
        task: 'Evaluate',
        function_request_id: 'req-1',
        service: 'ensemble',
      });
    }
    const emf = lines.find((l) => '_aws' in l);
    expect(emf).toMatchObject({ Task: 'Evaluate', service: 'ensemble' });
    expect(typeof emf?.Duration).toBe('number');
    expect(await world.ledger.getSignal(ref.runId, 'tqqq-ftlt')).not.toBeNull();
  });

  it('rethrows errors with their stable name, logged with the run keys', async () => {
    let error: unknown;
    const { lines } = await captured(async () => {
      error = await evaluateHandler(
        { ...ref, strategyId: 'no-such', flow: 'per-book' },
        fakeContext('req-2'),
      ).catch((e: unknown) => e);
    });
    expect(error).toMatchObject({ name: 'UnknownStrategyError' });
    const failed = lines.find((l) => l.message === 'task failed');
    expect(failed).toMatchObject({
      runId: ref.runId,
      strategyId: 'no-such',
      error: { name: 'UnknownStrategyError' },
    });
  });

  it('refuses input its contract rejects with TaskInputInvalidError, before any work', async () => {
    const { lines } = await captured(async () => {
      await expect(evaluateHandler({ runId: ref.runId }, fakeContext('req-3'))).rejects.toMatchObject({
        name: 'TaskInputInvalidError',
      });
    });
    const failed = lines.find((l) => l.message === 'task failed') as {
      runId?: string;
      error: { message: string };
    };
    expect(failed.runId).toBeUndefined();
    expect(failed.error.message).toMatch(/tradingDay: /);
  });

  it('RecordBranchFailure: classifies the caught error, and credentials never reach a log line', async () => {
    // Arrange: a caught error whose message carries a credential assignment.
    const cause = JSON.stringify({ errorMessage: 'boom with APCA_API_SECRET_KEY=supersecret123 in it' });
    let output: unknown;
    // Act
    const { raw, lines } = await captured(async () => {
      output = await recordBranchFailureHandler(
        { ...ref, strategyId: 'gold', flow: 'per-book', error: { Error: 'MissingDataError', Cause: cause } },
        fakeContext('req-4'),
      );
    });
    // Assert
    expect(output).toMatchObject({ outcome: 'BLOCKED', error: { name: 'MissingDataError' } });
    expect(raw).not.toContain('supersecret123');
    const done = lines.find((l) => l.message === 'task done') as { output: { error: { message: string } } };
    expect(done.output.error.message).toBe('boom with APCA_API_SECRET_KEY=[REDACTED] in it');
    expect(lines.find((l) => '_aws' in l)).toMatchObject({ BranchOutcome: 1, Outcome: 'BLOCKED' });
    const recorded = await world.ledger.listStrategyRunsOfRun(ref.runId);
    expect(recorded.data.map((r) => [r.strategyId, r.outcome])).toEqual([['gold', 'BLOCKED']]);
  });
});
