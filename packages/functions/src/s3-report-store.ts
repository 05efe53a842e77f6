/**
 * The Lambda's {@link ReportStore}: the daily reports as objects of the stage's S3 bucket (keys under
 * `reports/`, the prefix Finalize may write), answered as `s3://<bucket>/<key>`. Failures are thrown.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { checkKey, type ReportStore } from '@ensemble/app';

/** Options of {@link createS3ReportStore}. */
export interface S3ReportStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/** A {@link ReportStore} over an S3 bucket. */
export const createS3ReportStore = ({ client, bucket }: S3ReportStoreOptions): ReportStore => ({
  async put(key, body, contentType) {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: checkKey(key), Body: body, ContentType: contentType }),
    );
    return `s3://${bucket}/${key}`;
  },
});
