/**
 * The daily start: EventBridge Scheduler (15:45 New York, weekdays) invokes a tiny starter function that
 * names the execution after the trading day, so Step Functions itself refuses a second start of the same
 * day; PrepareRun's idempotent Run record is the second guard.
 */
import { createFunction } from './functions.ts';
import { functionSpec } from './manifest.ts';
import { assumeRolePolicy, schedulerPolicy } from './policies.ts';
import { DAILY_SCHEDULE } from './schedule-spec.ts';
import { settings } from './settings.ts';
import { stateMachine } from './workflow.ts';

export const starter = createFunction(functionSpec('StartExecution'), {
  stateMachineArn: stateMachine.arn,
  environment: { ENSEMBLE_STATE_MACHINE_ARN: stateMachine.arn },
});

const identity = aws.getCallerIdentityOutput({});

const role = new aws.iam.Role('ScheduleRole', {
  assumeRolePolicy: identity.accountId.apply((id) =>
    JSON.stringify(assumeRolePolicy('scheduler.amazonaws.com', id)),
  ),
});

const rolePolicy = new aws.iam.RolePolicy('ScheduleRolePolicy', {
  role: role.id,
  policy: starter.arn.apply((arn) => JSON.stringify(schedulerPolicy(arn))),
});

export const schedule = new aws.scheduler.Schedule(
  'DailyRun',
  {
    scheduleExpression: DAILY_SCHEDULE.expression,
    scheduleExpressionTimezone: DAILY_SCHEDULE.timezone,
    flexibleTimeWindow: { mode: 'OFF' },
    state: settings.scheduleEnabled ? 'ENABLED' : 'DISABLED',
    target: {
      arn: starter.arn,
      roleArn: role.arn,
      input: JSON.stringify(DAILY_SCHEDULE.input),
      retryPolicy: { ...DAILY_SCHEDULE.retry },
    },
  },
  { dependsOn: [rolePolicy] },
);
