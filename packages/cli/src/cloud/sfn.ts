/**
 * The deployed state machine through `@aws-sdk/client-sfn`: find a stage's machine, start a trading day,
 * list recent executions with their branch outcomes, redrive a failed execution. The client is injected
 * (tests use aws-sdk-client-mock); nothing here reads the environment.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CloudError } from './errors.ts';
import { type ExecutionSummary, summarizeHistory } from './history.ts';
import { executionArnOf, executionNameOf, stateMachineNameOf } from './naming.ts';

type Client = Pick<SFNClient, 'send'>;

/** The ARN of the stage's state machine (`ensemble-<stage>`), or a CloudError saying it is not deployed. */
export const findStateMachine = async (client: Client, stage: string): Promise<string> => {
  const name = stateMachineNameOf(stage);
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListStateMachinesCommand({ nextToken, maxResults: 100 }));
    const hit = page.stateMachines?.find((m) => m.name === name);
    if (hit?.stateMachineArn) return hit.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new CloudError(
    `no state machine ${name} in this account and region (deploy it: npx sst deploy --stage ${stage})`,
  );
};

/**
 * Start trading day `tradingDay` on stage `stage`; a second start of the same day is refused. With
 * `reopen` (a day whose run ended FAILED or BLOCKED, once its cause is fixed: a kill switch lifted) the
 * execution is named `<day>-reopen-<n>` and its input asks PrepareRun to reopen the run.
 */
export const startDay = async (
  client: Client,
  stateMachineArn: string,
  tradingDay: string,
  stage: string,
  reopen?: { at: Date },
): Promise<{ executionArn: string; name: string }> => {
  const name = reopen
    ? `${executionNameOf(tradingDay)}-reopen-${reopen.at.getTime()}`
    : executionNameOf(tradingDay);
  const input = reopen ? { tradingDay, stage, reopen: true } : { tradingDay, stage };
  try {
    const out = await client.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return { executionArn: out.executionArn as string, name };
  } catch (e) {
    if ((e as Error).name === 'ExecutionAlreadyExists') {
      throw new CloudError(
        `${tradingDay} already has an execution (${executionArnOf(stateMachineArn, name)}): ` +
          'see `ensemble cloud status`; redrive it if it failed',
      );
    }
    throw e;
  }
};

/** One execution and what its history says. */
export interface ExecutionReport {
  readonly name: string;
  readonly executionArn: string;
  readonly status: string;
  readonly startDate?: string;
  readonly stopDate?: string;
  readonly redriveCount: number;
  readonly summary: ExecutionSummary;
}

/** Every event of an execution, oldest first. */
export const historyOf = async (client: Client, executionArn: string): Promise<HistoryEvent[]> => {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({
        executionArn,
        nextToken,
        maxResults: 1000,
        includeExecutionData: true,
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
};

/** The `limit` most recent executions, newest first, each with its branch outcomes. */
export const recentExecutions = async (
  client: Client,
  stateMachineArn: string,
  limit: number,
): Promise<ExecutionReport[]> => {
  const list = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: limit }));
  const out: ExecutionReport[] = [];
  for (const x of (list.executions ?? []).slice(0, limit)) {
    const arn = x.executionArn as string;
    out.push({
      name: x.name ?? arn,
      executionArn: arn,
      status: x.status ?? 'UNKNOWN',
      ...(x.startDate ? { startDate: x.startDate.toISOString() } : {}),
      ...(x.stopDate ? { stopDate: x.stopDate.toISOString() } : {}),
      redriveCount: x.redriveCount ?? 0,
      summary: summarizeHistory(await historyOf(client, arn)),
    });
  }
  return out;
};

/** Redrive a failed, timed-out or aborted execution (by ARN, or by name on a stage's machine). */
export const redrive = async (
  client: Client,
  execution: string,
  stateMachineArn: () => Promise<string>,
): Promise<{ executionArn: string; redriveDate?: string; before: DescribeExecutionCommandOutput }> => {
  const executionArn = execution.startsWith('arn:')
    ? execution
    : executionArnOf(await stateMachineArn(), execution);
  const before = await client.send(new DescribeExecutionCommand({ executionArn }));
  if (before.redriveStatus !== 'REDRIVABLE') {
    throw new CloudError(
      `${before.name ?? executionArn} is ${before.status} and not redrivable` +
        (before.redriveStatusReason ? `: ${before.redriveStatusReason}` : ''),
    );
  }
  const out = await client.send(new RedriveExecutionCommand({ executionArn }));
  return { executionArn, ...(out.redriveDate ? { redriveDate: out.redriveDate.toISOString() } : {}), before };
};
