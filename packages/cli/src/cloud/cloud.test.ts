/** `ensemble cloud` against a mocked Step Functions (aws-sdk-client-mock). */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudCommand } from '../commands/cloud.ts';
import type { CliIO } from '../io.ts';
import { summarizeHistory } from './history.ts';

const SM = 'arn:aws:states:us-east-1:111122223333:stateMachine:ensemble-prod';
const EXEC = 'arn:aws:states:us-east-1:111122223333:execution:ensemble-prod:2025-06-02';
const sfn = mockClient(SFNClient);
// The stub is on SFNClient's prototype: undo it for the files that run after this one in the same worker.
afterAll(() => sfn.restore());

const capture = (env: Record<string, string> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), cwd: '/', env };
  return { io, out, err };
};
// 2025-06-02 23:30 in New York is already 06-03 in UTC: the default day must be New York's.
const deps = () => ({ client: new SFNClient({}), now: () => new Date('2025-06-03T03:30:00Z') });

const exited = (name: string, output: unknown, id: number): HistoryEvent => ({
  id,
  timestamp: new Date(),
  type: 'PassStateExited',
  stateExitedEventDetails: { name, output: JSON.stringify(output) },
});

beforeEach(() => {
  sfn.reset();
  sfn
    .on(ListStateMachinesCommand)
    .resolvesOnce({ stateMachines: [], nextToken: 'p2' })
    .resolves({
      stateMachines: [
        { name: 'ensemble-prod', stateMachineArn: SM, type: 'STANDARD', creationDate: new Date() },
      ],
    });
});

describe('cloud start', () => {
  it('starts the day named after the New York trading day on the stage machine (found across pages)', async () => {
    // Arrange
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXEC, startDate: new Date() });
    const { io, out } = capture();
    // Act
    const code = await cloudCommand(['start', '--stage', 'prod'], io, deps());
    // Assert
    expect(code).toBe(0);
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input).toEqual({
      stateMachineArn: SM,
      name: '2025-06-02',
      input: JSON.stringify({ tradingDay: '2025-06-02', stage: 'prod' }),
    });
    expect(sfn.commandCalls(ListStateMachinesCommand)).toHaveLength(2);
    expect(out.join('\n')).toContain(EXEC);
  });

  it('--date picks the day; a second start of it is refused with exit 1', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const { io, err } = capture();
    const code = await cloudCommand(['start', '--date', '2025-05-30', '--stage', 'prod'], io, deps());
    expect(code).toBe(1);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe('2025-05-30');
    expect(err.join('\n')).toMatch(/2025-05-30 already has an execution .*redrive/);
  });

  it('--reopen starts the day again under a name of its own, asking PrepareRun to reopen its run', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXEC, startDate: new Date() });
    const code = await cloudCommand(
      ['start', '--date', '2025-05-30', '--stage', 'prod', '--reopen'],
      capture().io,
      deps(),
    );
    expect(code).toBe(0);
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input?.name).toMatch(/^2025-05-30-reopen-\d+$/);
    expect(JSON.parse(input?.input ?? '')).toEqual({ tradingDay: '2025-05-30', stage: 'prod', reopen: true });
  });

  it('requires --stage and a well-formed date; reports a stage that is not deployed', async () => {
    await expect(cloudCommand(['start'], capture().io, deps())).rejects.toThrow(/--stage/);
    await expect(
      cloudCommand(['start', '--stage', 'prod', '--date', '6/2'], capture().io, deps()),
    ).rejects.toThrow(/YYYY-MM-DD/);
    const { io, err } = capture();
    expect(await cloudCommand(['start', '--stage', 'nope'], io, deps())).toBe(1);
    expect(err.join('\n')).toMatch(/no state machine ensemble-nope/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('cloud status', () => {
  it('lists recent executions with per-branch outcomes from the history (all pages)', async () => {
    // Arrange: one execution whose history comes in two pages
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: EXEC,
          stateMachineArn: SM,
          name: '2025-06-02',
          status: 'SUCCEEDED',
          startDate: new Date('2025-06-02T19:45:01Z'),
          stopDate: new Date('2025-06-02T19:47:00Z'),
          redriveCount: 1,
        },
      ],
    });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({
        events: [exited('Execute', { strategyId: 'gold', flow: 'per-book', outcome: 'TRADED' }, 1)],
        nextToken: 't',
      })
      .resolves({
        events: [
          exited(
            'BranchFailed',
            {
              strategyId: 'tqqq',
              flow: 'per-book',
              outcome: 'FAILED',
              error: { name: 'BrokerUnavailableError', message: 'timeout' },
            },
            2,
          ),
          exited('PoolMemberResult', { strategyId: 'spy', flow: 'aggregated', outcome: 'SKIPPED' }, 3),
          {
            id: 4,
            timestamp: new Date(),
            type: 'TaskStateExited',
            stateExitedEventDetails: {
              name: 'ExecutePool',
              output: JSON.stringify({ pool: { outcome: 'TRADED' } }),
            },
          },
          {
            id: 5,
            timestamp: new Date(),
            type: 'TaskStateExited',
            stateExitedEventDetails: {
              name: 'Finalize',
              output: JSON.stringify({ finalize: { status: 'FAILED' } }),
            },
          },
        ],
      });
    const { io, out } = capture({ ENSEMBLE_STAGE: 'prod' });
    // Act
    const code = await cloudCommand(['status'], io, deps());
    // Assert
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/2025-06-02 {2}SUCCEEDED \(run FAILED\).*redriven 1×/);
    expect(text).toMatch(/gold +per-book +TRADED/);
    expect(text).toMatch(/tqqq +per-book +FAILED {2}BrokerUnavailableError: timeout/);
    expect(text).toMatch(/spy +aggregated +SKIPPED/);
    expect(text).toMatch(/pool +TRADED/);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[1]?.args[0].input.nextToken).toBe('t');
    expect(sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: SM,
      maxResults: 5,
    });
  });

  it('--json prints the reports; --state-machine skips the lookup', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const { io, out } = capture();
    expect(await cloudCommand(['status', '--state-machine', SM, '--json'], io, deps())).toBe(0);
    expect(JSON.parse(out[0] ?? '')).toEqual([]);
    expect(sfn.commandCalls(ListStateMachinesCommand)).toHaveLength(0);
  });
});

describe('history summary', () => {
  it('counts iterations that failed without a result and the execution failure', () => {
    const s = summarizeHistory([
      {
        id: 1,
        timestamp: new Date(),
        type: 'MapIterationFailed',
        mapIterationFailedEventDetails: { index: 3 },
      },
      {
        id: 2,
        timestamp: new Date(),
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: 'States.Timeout', cause: 'x' },
      },
      {
        id: 3,
        timestamp: new Date(),
        type: 'SucceedStateExited',
        stateExitedEventDetails: { name: 'Skipped', output: JSON.stringify({ reason: 'market closed' }) },
      },
    ]);
    expect(s).toEqual({
      branches: [],
      skipped: 'market closed',
      failedIterations: 1,
      failure: { error: 'States.Timeout', cause: 'x' },
    });
  });
});

describe('history summary of a second run', () => {
  it('takes the latest result of a branch and the run status of the second Finalize', () => {
    const s = summarizeHistory([
      exited(
        'BranchFailed',
        { strategyId: 'tqqq', flow: 'per-book', outcome: 'FAILED', error: { name: 'Crash', message: 'x' } },
        1,
      ),
      {
        id: 2,
        timestamp: new Date(),
        type: 'TaskStateExited',
        stateExitedEventDetails: {
          name: 'Finalize',
          output: JSON.stringify({ finalize: { status: 'FAILED', retryBranches: 1 } }),
        },
      },
      exited('RetriedResult', { strategyId: 'tqqq', flow: 'per-book', outcome: 'TRADED' }, 4),
      {
        id: 5,
        timestamp: new Date(),
        type: 'TaskStateExited',
        stateExitedEventDetails: { name: 'FinalizeRetried', output: JSON.stringify({ status: 'SUCCEEDED' }) },
      },
    ]);
    expect(s).toEqual({
      branches: [{ strategyId: 'tqqq', flow: 'per-book', outcome: 'TRADED' }],
      runStatus: 'SUCCEEDED',
      failedIterations: 0,
    });
  });
});

describe('cloud redrive', () => {
  it('redrives a redrivable execution named by its day', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXEC,
      stateMachineArn: SM,
      name: '2025-06-02',
      status: 'FAILED',
      startDate: new Date(),
      redriveStatus: 'REDRIVABLE',
    });
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    const { io, out } = capture();
    expect(await cloudCommand(['redrive', '2025-06-02', '--stage', 'prod'], io, deps())).toBe(0);
    expect(sfn.commandCalls(RedriveExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: EXEC });
    expect(out.join('\n')).toMatch(/Redriven 2025-06-02 \(was FAILED\)/);
  });

  it('refuses an execution that is not redrivable, without calling RedriveExecution', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXEC,
      stateMachineArn: SM,
      name: '2025-06-02',
      status: 'SUCCEEDED',
      startDate: new Date(),
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED',
    });
    const { io, err } = capture();
    expect(await cloudCommand(['redrive', EXEC], io, deps())).toBe(1);
    expect(err.join('\n')).toMatch(/not redrivable: Execution is SUCCEEDED/);
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
    expect(sfn.commandCalls(ListStateMachinesCommand)).toHaveLength(0);
  });

  it('needs exactly one execution', async () => {
    await expect(cloudCommand(['redrive'], capture().io, deps())).rejects.toThrow(/one execution/);
  });
});
