/**
 * The alarms of alarm-specs.ts: log metric filters for the handler-level ones, CloudWatch alarms for all,
 * sent to the stage's SNS topic (topic.ts; e-mail subscription from the stage settings).
 */
import type { TaskName } from '../packages/workflow/src/contract.ts';
import { ALARMS, type AlarmSpec, metricNamespace } from './alarm-specs.ts';
import { taskFunctionsByName } from './functions.ts';
import { starter } from './schedule.ts';
import { alarmTopic } from './topic.ts';
import { stateMachine } from './workflow.ts';

export { alarmTopic };

const logGroupOf = (task: TaskName) =>
  $interpolate`/aws/lambda/${(taskFunctionsByName[task] as sst.aws.Function).name}`;

const metricOf = (
  a: AlarmSpec,
): { namespace: string; metricName: string; dimensions?: Record<string, $util.Input<string>> } => {
  switch (a.source.kind) {
    case 'state-machine':
      return {
        namespace: 'AWS/States',
        metricName: a.source.metric,
        dimensions: { StateMachineArn: stateMachine.arn },
      };
    case 'log':
      for (const task of a.source.functions) {
        new aws.cloudwatch.LogMetricFilter(`${a.id}${task}Filter`, {
          logGroupName: logGroupOf(task),
          pattern: a.source.pattern,
          metricTransformation: {
            namespace: metricNamespace($app.stage),
            name: a.id,
            value: '1',
            defaultValue: '0',
          },
        });
      }
      return { namespace: metricNamespace($app.stage), metricName: a.id };
    case 'starter-errors':
      return { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: starter.name } };
  }
};

export const alarms = ALARMS.map(
  (a) =>
    new aws.cloudwatch.MetricAlarm(a.id, {
      name: `${$app.name}-${$app.stage}-${a.id}`,
      alarmDescription: a.description,
      ...metricOf(a),
      statistic: 'Sum',
      period: a.periodSeconds,
      evaluationPeriods: 1,
      threshold: a.threshold,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [alarmTopic.arn],
      okActions: [alarmTopic.arn],
    }),
);
