/**
 * The Ensemble stack, one file per concern. `sst.config.ts` imports this inside `run()`. Pure modules
 * (manifest, policies, table-args, stages, alarm-specs, schedule-spec, definition) hold the decisions as
 * data and are tested in test/infra; the files below only turn them into resources.
 */
import { alarms, alarmTopic } from './alarms.ts';
import { taskFunctionsByName } from './functions.ts';
import { schedule, starter } from './schedule.ts';
import { settings } from './settings.ts';
import { bucket } from './storage.ts';
import { table } from './table.ts';
import { stateMachine, workflowLogs } from './workflow.ts';

/** The stack's outputs (printed by `sst deploy`, read by `ensemble cloud`). */
export const outputs = {
  stage: settings.stage,
  tradingMode: settings.tradingMode,
  table: table.name,
  bucket: bucket.name,
  stateMachineArn: stateMachine.arn,
  workflowLogs: workflowLogs.name,
  schedule: schedule.name,
  starter: starter.name,
  functions: Object.keys(taskFunctionsByName).length,
  alarmTopic: alarmTopic.arn,
  alarms: alarms.length,
};
