/** The scheduled starter: names the execution after the New York trading day; a second start is refused. */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executionNameOf,
  newYorkDay,
  startDailyExecution,
} from '../../packages/functions/src/handlers/start-execution.ts';

const sfn = mockClient(SFNClient);
// The stub is on SFNClient's prototype: undo it for the files that run after this one in the same worker.
afterAll(() => sfn.restore());
const target = {
  stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:ensemble-prod',
  stage: 'prod',
};

describe('startDailyExecution', () => {
  beforeEach(() => sfn.reset());

  it('starts the execution named after the trading day, with the day and stage as input', async () => {
    // Arrange: 15:45 EDT on 2025-06-02 is 19:45 UTC
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    // Act
    const out = await startDailyExecution(new SFNClient({}), target, {
      scheduledTime: '2025-06-02T19:45:00Z',
    });
    // Assert
    expect(out).toEqual({ started: true, name: '2025-06-02', executionArn: 'arn:exec' });
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.name).toBe('2025-06-02');
    expect(call?.stateMachineArn).toBe(target.stateMachineArn);
    expect(JSON.parse(call?.input ?? '')).toEqual({ tradingDay: '2025-06-02', stage: 'prod' });
  });

  it('uses the New York day across daylight saving and near UTC midnight', () => {
    expect(newYorkDay(new Date('2025-11-03T20:45:00Z'))).toBe('2025-11-03'); // EST
    expect(newYorkDay(new Date('2025-03-11T03:30:00Z'))).toBe('2025-03-10'); // 23:30 EDT the day before
    expect(executionNameOf('2025-03-10')).toBe('2025-03-10');
  });

  it('reports a second start of the same day as not started, without an error', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const out = await startDailyExecution(new SFNClient({}), target, {
      scheduledTime: '2025-06-02T19:45:00Z',
    });
    expect(out).toEqual({ started: false, name: '2025-06-02', reason: 'already-started' });
  });

  it('fails loudly on any other error and on a malformed event', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('AccessDenied'));
    await expect(
      startDailyExecution(new SFNClient({}), target, { scheduledTime: '2025-06-02T19:45:00Z' }),
    ).rejects.toThrow('AccessDenied');
    await expect(startDailyExecution(new SFNClient({}), target, {})).rejects.toThrow();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });
});
