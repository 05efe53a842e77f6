/**
 * When the day's run starts: 15:45 New York time, Monday to Friday (EventBridge Scheduler cron, which
 * follows daylight saving in the schedule's time zone). Holidays and early closes are PrepareRun's business:
 * it reads the exchange calendar and ends the run with `SKIP` when the market is closed or already closed.
 */
export const DAILY_SCHEDULE = {
  expression: 'cron(45 15 ? * MON-FRI *)',
  timezone: 'America/New_York',
  /** What the scheduler sends the starter: the scheduled instant, substituted by EventBridge Scheduler. */
  input: { scheduledTime: '<aws.scheduler.scheduled-time>' },
  /** Retries of a failed start within 15 minutes (a start is idempotent: the execution is named for the day). */
  retry: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 900 },
} as const;
