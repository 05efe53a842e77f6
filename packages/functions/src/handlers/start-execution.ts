/**
 * Lambda handler of the daily schedule (EventBridge Scheduler → here → Step Functions). It names the
 * execution after the trading day in New York, so Step Functions itself refuses a second start of the same
 * day (`ExecutionAlreadyExists`, reported as `started: false`, not an error: a scheduler retry must not
 * alarm). PrepareRun's idempotent Run record is the second guard; holidays are PrepareRun's business.
 * Self-contained on purpose: it needs neither the ledger nor the broker, so it gets neither (stacks/manifest.ts).
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { newYorkDate as newYorkDay } from '@ensemble/core';
import * as z from 'zod';

/** What the schedule sends: the scheduled instant (`<aws.scheduler.scheduled-time>`). */
export const StarterEvent = z.object({ scheduledTime: z.iso.datetime({ offset: true }) });

/** The calendar day of `instant` in New York (YYYY-MM-DD). */
export { newYorkDate as newYorkDay } from '@ensemble/core';

/** The execution name of a trading day: the day itself (unique per state machine for 90 days). */
export const executionNameOf = (tradingDay: string): string => tradingDay;

/** What the starter did. */
export type StartResult =
  | { readonly started: true; readonly name: string; readonly executionArn: string }
  | { readonly started: false; readonly name: string; readonly reason: 'already-started' };

/** Start the day's execution of `stateMachineArn`; an existing execution of that day is left alone. */
export const startDailyExecution = async (
  client: Pick<SFNClient, 'send'>,
  target: { readonly stateMachineArn: string; readonly stage: string },
  event: unknown,
): Promise<StartResult> => {
  const { scheduledTime } = StarterEvent.parse(event);
  const tradingDay = newYorkDay(new Date(scheduledTime));
  const name = executionNameOf(tradingDay);
  try {
    const out = await client.send(
      new StartExecutionCommand({
        stateMachineArn: target.stateMachineArn,
        name,
        input: JSON.stringify({ tradingDay, stage: target.stage }),
      }),
    );
    return { started: true, name, executionArn: out.executionArn as string };
  } catch (e) {
    if ((e as Error).name === 'ExecutionAlreadyExists')
      return { started: false, name, reason: 'already-started' };
    throw e;
  }
};

const StarterEnv = z.object({
  ENSEMBLE_STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  ENSEMBLE_STAGE: z.string().min(1),
});

let client: SFNClient | undefined;

/** The Lambda entry point. */
export const handler = async (event: unknown): Promise<StartResult> => {
  const env = StarterEnv.parse(process.env);
  client ??= new SFNClient({});
  return startDailyExecution(
    client,
    { stateMachineArn: env.ENSEMBLE_STATE_MACHINE_ARN, stage: env.ENSEMBLE_STAGE },
    event,
  );
};
