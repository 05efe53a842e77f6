/**
 * The stage's SNS topic: the alarms publish to it (alarms.ts), and so does Finalize with the day's summary
 * (functions.ts gives it the topic's ARN and `sns:Publish` on it). One e-mail subscription from the stage
 * settings receives both.
 */
import { settings } from './settings.ts';

export const alarmTopic = new aws.sns.Topic('Alarms', { name: `${$app.name}-${$app.stage}-alarms` });

if (settings.alarmEmail !== undefined) {
  new aws.sns.TopicSubscription('AlarmEmail', {
    topic: alarmTopic.arn,
    protocol: 'email',
    endpoint: settings.alarmEmail,
  });
}
