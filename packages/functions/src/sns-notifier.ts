/**
 * The Lambda's {@link Notifier}: the day's summary published to the stage's SNS topic (its e-mail
 * subscription is the alarms' one, from the stage settings). Failures are thrown.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '@ensemble/app';

/** Options of {@link createSnsNotifier}. */
export interface SnsNotifierOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
}

/** A {@link Notifier} over an SNS topic (subject cut to SNS's 100 characters). */
export const createSnsNotifier = ({ client, topicArn }: SnsNotifierOptions): Notifier => ({
  async publish(n) {
    await client.send(
      new PublishCommand({ TopicArn: topicArn, Subject: n.subject.slice(0, 100), Message: n.text }),
    );
  },
});
