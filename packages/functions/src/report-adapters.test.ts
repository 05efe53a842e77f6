/**
 * The daily report's AWS adapters, on the SDK clients mocked (aws-sdk-client-mock): the S3 store writes the
 * key, body and content type it is given and answers the object's URI; the SNS notifier publishes to its
 * topic; the Lambda context has a notifier only when it is given the topic (Finalize).
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_CONFIG } from '@ensemble/app/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contextFromEnv } from './context-from-env.ts';
import { createS3ReportStore } from './s3-report-store.ts';
import { createSnsNotifier } from './sns-notifier.ts';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:ensemble-dev-alarms';

beforeEach(() => {
  s3.reset();
  sns.reset();
  // contextFromEnv logs "context ready" through Powertools (stdout): keep the test output clean.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('createS3ReportStore', () => {
  it('puts the object with its content type and answers its s3:// URI', async () => {
    // Arrange
    s3.on(PutObjectCommand).resolves({});
    const store = createS3ReportStore({ client: new S3Client({ region: 'us-east-1' }), bucket: 'artifacts' });
    // Act
    const at = await store.put(
      'reports/2025-11-28/report.html',
      '<!doctype html>',
      'text/html; charset=utf-8',
    );
    // Assert
    expect(at).toBe('s3://artifacts/reports/2025-11-28/report.html');
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).toEqual([
      {
        Bucket: 'artifacts',
        Key: 'reports/2025-11-28/report.html',
        Body: '<!doctype html>',
        ContentType: 'text/html; charset=utf-8',
      },
    ]);
  });

  it('throws what S3 throws, and refuses a key that is not plain', async () => {
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    const store = createS3ReportStore({ client: new S3Client({ region: 'us-east-1' }), bucket: 'artifacts' });
    await expect(store.put('reports/x.json', '{}', 'application/json')).rejects.toThrow('AccessDenied');
    await expect(store.put('../x', '{}', 'application/json')).rejects.toThrow(TypeError);
  });
});

describe('createSnsNotifier', () => {
  it('publishes the summary to the topic, the subject cut to 100 characters', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({ MessageId: '1' });
    const notifier = createSnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC });
    // Act
    await notifier.publish({
      subject: `Ensemble dev 2025-11-28: SUCCEEDED ${'x'.repeat(100)}`,
      text: 'body',
    });
    // Assert
    const [input] = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(input).toEqual({ TopicArn: TOPIC, Subject: expect.any(String), Message: 'body' });
    expect(input?.Subject).toHaveLength(100);
  });
});

describe('contextFromEnv', () => {
  const BASE = {
    AWS_REGION: 'us-east-1',
    ENSEMBLE_TABLE: 'ensemble-test',
    ENSEMBLE_BUCKET: 'ensemble-artifacts',
    ENSEMBLE_STAGE: 'dev',
    ENSEMBLE_BROKER: 'alpaca',
    ENSEMBLE_CONFIG: DEFAULT_CONFIG,
  };

  it('has a report store always, and a notifier only with ENSEMBLE_TOPIC_ARN', async () => {
    const without = await contextFromEnv(undefined, BASE);
    const withTopic = await contextFromEnv(undefined, { ...BASE, ENSEMBLE_TOPIC_ARN: TOPIC });
    expect(without.ports.reports).toBeDefined();
    expect(without.ports.notifier).toBeUndefined();
    expect(withTopic.ports.notifier).toBeDefined();
  });

  it('refuses a topic that is not an SNS ARN', async () => {
    await expect(contextFromEnv(undefined, { ...BASE, ENSEMBLE_TOPIC_ARN: 'alarms' })).rejects.toThrow(
      /ENSEMBLE_TOPIC_ARN/,
    );
  });
});
