/**
 * Least privilege as data: pure functions from the manifest (what each function's code uses) and resource
 * ARNs to IAM policy documents. The stacks apply them to real ARNs; test/infra asserts them with sample ARNs.
 * No statement on a data resource (table, bucket, state machine, function) ever has `*` as its resource;
 * the only wildcard resources are the services that do not support resource-level permissions (CloudWatch
 * Logs delivery, X-Ray), listed in {@link WILDCARD_ONLY_ACTIONS}.
 */
import { type FunctionSpec, type SecretName, Secrets, type Uses } from './manifest.ts';

/** One IAM statement (the subset we emit). */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

/** ARNs a function policy refers to. */
export interface DataArns {
  /** The ledger table. */
  readonly table: string;
  /** GSI names of the table (from the ledger's `tableSchema`), for `Query`. */
  readonly indexes: readonly string[];
  /** The artifacts bucket. */
  readonly bucket: string;
  /** The state machine (only the starter uses it). */
  readonly stateMachine?: string;
  /** The stage's SNS topic (only Finalize publishes to it). */
  readonly topic?: string;
}

/** Actions that AWS only authorizes on `Resource: "*"`; nothing else may use a wildcard resource. */
export const WILDCARD_ONLY_ACTIONS: readonly string[] = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
];

const doc = (Statement: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });

/** The statements one function needs, from what its code uses (empty when it touches no data). */
export const functionStatements = (uses: Uses, arns: DataArns): Statement[] => {
  const out: Statement[] = [];
  const item = uses.table.filter((a) => a !== 'Query').map((a) => `dynamodb:${a}`);
  if (item.length > 0)
    out.push({ Sid: 'LedgerItems', Effect: 'Allow', Action: item, Resource: [arns.table] });
  if (uses.table.includes('Query')) {
    out.push({
      Sid: 'LedgerQuery',
      Effect: 'Allow',
      Action: ['dynamodb:Query'],
      Resource: [arns.table, ...arns.indexes.map((i) => `${arns.table}/index/${i}`)],
    });
  }
  if (uses.read.length > 0) {
    out.push({
      Sid: 'BucketRead',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: uses.read.map((p) => `${arns.bucket}/${p}*`),
    });
    // Without ListBucket a missing key answers AccessDenied instead of NoSuchKey; scoped to the same prefixes.
    out.push({
      Sid: 'BucketList',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [arns.bucket],
      Condition: { StringLike: { 's3:prefix': uses.read.map((p) => `${p}*`) } },
    });
  }
  if (uses.write.length > 0) {
    out.push({
      Sid: 'BucketWrite',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: uses.write.map((p) => `${arns.bucket}/${p}*`),
    });
  }
  if (uses.publish) {
    if (!arns.topic) throw new Error('publish needs the topic ARN');
    out.push({ Sid: 'PublishSummary', Effect: 'Allow', Action: ['sns:Publish'], Resource: [arns.topic] });
  }
  if (uses.startExecution) {
    if (!arns.stateMachine) throw new Error('startExecution needs the state machine ARN');
    out.push({
      Sid: 'StartRun',
      Effect: 'Allow',
      Action: ['states:StartExecution'],
      Resource: [arns.stateMachine],
    });
  }
  return out;
};

/** A function's inline policy document (besides the basic Lambda execution role SST attaches for its logs). */
export const functionPolicy = (spec: FunctionSpec, arns: DataArns): PolicyDocument =>
  doc(functionStatements(spec.uses, arns));

/** The same statements in the shape of `sst.aws.Function`'s `permissions` argument. */
export const toSstPermissions = (
  statements: readonly Statement[],
): {
  actions: string[];
  resources: string[];
  conditions?: { test: string; variable: string; values: string[] }[];
}[] =>
  statements.map((s) => ({
    actions: [...s.Action],
    resources: [...s.Resource],
    ...(s.Condition
      ? {
          conditions: Object.entries(s.Condition).flatMap(([test, byVar]) =>
            Object.entries(byVar).map(([variable, values]) => ({ test, variable, values: [...values] })),
          ),
        }
      : {}),
  }));

/** The environment variables holding SST secrets that a function receives: only those it declares. */
export const secretEnvironment = <V>(
  uses: Uses,
  values: Readonly<Record<SecretName, V>>,
): Record<string, V> => Object.fromEntries(uses.secrets.map((s) => [Secrets[s], values[s]]));

/** The state machine's role: invoke exactly its task functions (and their versions), log, trace. */
export const stateMachinePolicy = (functionArns: readonly string[]): PolicyDocument =>
  doc([
    {
      Sid: 'InvokeTasks',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: functionArns.flatMap((a) => [a, `${a}:*`]),
    },
    // CloudWatch Logs delivery for Step Functions and X-Ray do not support resource-level permissions.
    {
      Sid: 'Logging',
      Effect: 'Allow',
      Action: WILDCARD_ONLY_ACTIONS.filter((a) => a.startsWith('logs:')),
      Resource: ['*'],
    },
    {
      Sid: 'Tracing',
      Effect: 'Allow',
      Action: WILDCARD_ONLY_ACTIONS.filter((a) => a.startsWith('xray:')),
      Resource: ['*'],
    },
  ]);

/** EventBridge Scheduler's role: invoke the starter function only. */
export const schedulerPolicy = (starterArn: string): PolicyDocument =>
  doc([{ Sid: 'InvokeStarter', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [starterArn] }]);

/** Trust policy letting one AWS service (in this account) assume a role. */
export const assumeRolePolicy = (
  service: 'states.amazonaws.com' | 'scheduler.amazonaws.com',
  accountId: string,
) => ({
  Version: '2012-10-17' as const,
  Statement: [
    {
      Effect: 'Allow' as const,
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
    },
  ],
});
