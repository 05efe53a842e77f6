/**
 * The Lambda's {@link SnapshotStore}: JSON objects in the stage's S3 bucket. A missing key reads as null;
 * every other failure is thrown, never read as empty.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { checkKey, type SnapshotStore } from '@ensemble/app';

/** Options of {@link createS3SnapshotStore}. */
export interface S3SnapshotStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prefix of every key. @default '' */
  readonly prefix?: string;
}

/** A {@link SnapshotStore} over an S3 bucket (JSON objects). */
export const createS3SnapshotStore = (options: S3SnapshotStoreOptions): SnapshotStore => {
  const { client, bucket } = options;
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const keyOf = (key: string): string => (prefix === '' ? checkKey(key) : `${prefix}/${checkKey(key)}`);
  return {
    async put(key, value, json) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keyOf(key),
          Body: json ?? JSON.stringify(value),
          ContentType: 'application/json',
        }),
      );
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(key) }));
        const text = await out.Body?.transformToString('utf8');
        if (text === undefined) throw new Error(`s3://${bucket}/${keyOf(key)} has no body`);
        return JSON.parse(text) as unknown;
      } catch (e) {
        if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return null;
        throw e;
      }
    },
  };
};
