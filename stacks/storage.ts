/** The artifacts bucket: market-data snapshots (`snapshots/`), evaluation traces (`traces/`), reports (`reports/`). */
import { BucketPrefixes } from './manifest.ts';
import { settings } from './settings.ts';

export const bucket = new sst.aws.Bucket('Artifacts', {
  versioning: settings.production,
  // Snapshots are needed for redrives (14 days) and audits; reports are kept.
  lifecycle: [{ id: 'expire-snapshots', prefix: BucketPrefixes.snapshots, expiresIn: '400 days' }],
});
