/**
 * What each Lambda function is and what it may touch, as data: handler path, memory, timeout, and the table
 * actions, bucket prefixes and secrets its code uses. `policies.ts` turns this into IAM documents and
 * `functions.ts` into `sst.aws.Function`s; test/infra asserts both. Free of SST globals so the root `tsc` and
 * vitest can import it.
 *
 * This list is the contract with `packages/functions`: a handler that starts using another ledger call,
 * prefix or secret must be declared here, or AWS refuses it (AccessDenied) — the failure is loud, never a
 * silent widening.
 */
// Relative import, not `@ensemble/workflow`: SST bundles the config and stacks, and this file only needs names.
import { type TaskName, TaskNames } from '../packages/workflow/src/contract.ts';

/** The DynamoDB actions the ledger issues (see `ledgerDynamoActions` in test/infra: derived from its source). */
export const DynamoActions = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'] as const;
export type DynamoAction = (typeof DynamoActions)[number];

/** Top-level folders of the artifacts bucket. */
export const BucketPrefixes = {
  /** Market-data snapshots, written once by PrepareRun, read by the branches (content-addressed keys). */
  snapshots: 'snapshots/',
  /** Evaluation traces (each strategy's decision path), written by Evaluate. */
  traces: 'traces/',
  /** Run reports (reserved: no step writes one yet, so no function is granted it). */
  reports: 'reports/',
} as const;
export type BucketPrefix = (typeof BucketPrefixes)[keyof typeof BucketPrefixes];

/** SST secrets and the environment variable each one is delivered in. */
export const Secrets = {
  AlpacaKeyId: 'APCA_API_KEY_ID',
  AlpacaSecretKey: 'APCA_API_SECRET_KEY',
} as const;
export type SecretName = keyof typeof Secrets;
const ALPACA: readonly SecretName[] = ['AlpacaKeyId', 'AlpacaSecretKey'];

/** What one function's code uses. */
export interface Uses {
  /** Ledger table actions (on the table and, for `Query`, its GSIs). */
  readonly table: readonly DynamoAction[];
  /** Bucket prefixes read (GetObject, plus ListBucket on the prefix so a missing key reads as NoSuchKey). */
  readonly read: readonly BucketPrefix[];
  /** Bucket prefixes written (PutObject). */
  readonly write: readonly BucketPrefix[];
  /** SST secrets delivered to the function. */
  readonly secrets: readonly SecretName[];
  /** May start executions of the state machine (the scheduled starter only). */
  readonly startExecution: boolean;
}

/** One Lambda function. */
export interface FunctionSpec {
  /** Logical name: a workflow task name, or `StartExecution`. */
  readonly name: TaskName | 'StartExecution';
  /** `packages/functions/src/handlers/<kebab>.handler`. */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly uses: Uses;
}

/** `PlanRebalance` → `plan-rebalance`. */
export const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Handler module path (relative to the repo root) of a function, as SST wants it. */
export const handlerOf = (name: string): string => `packages/functions/src/handlers/${kebab(name)}.handler`;

const none: Uses = { table: [], read: [], write: [], secrets: [], startExecution: false };
const snapshots: readonly BucketPrefix[] = [BucketPrefixes.snapshots];
const READ: readonly DynamoAction[] = ['GetItem', 'Query'];

/**
 * Per task: memory and timeout (the workflow's task `TimeoutSeconds` are these plus 10 s, so Lambda always
 * times out first) and uses. Table actions and secrets are checked against the step code in test/infra
 * (`ledger.x(` calls mapped to DynamoDB actions through the ledger's source; any `broker.x(` call needs the
 * Alpaca keys). Bucket grants follow the keys the code writes: `snapshots/` (PrepareRun's market snapshot,
 * read by every later step through its `snapshotRef`) and `traces/` (Evaluate's decision traces).
 */
const SPECS: readonly Omit<FunctionSpec, 'handler'>[] = [
  {
    name: 'PrepareRun',
    memoryMb: 1024,
    timeoutSeconds: 120,
    uses: { ...none, table: [...READ, 'PutItem', 'UpdateItem'], write: snapshots, secrets: ALPACA },
  },
  {
    name: 'Evaluate',
    memoryMb: 1024,
    timeoutSeconds: 60,
    uses: {
      ...none,
      table: ['GetItem', 'PutItem'],
      read: snapshots,
      write: [BucketPrefixes.traces],
      secrets: ALPACA,
    },
  },
  {
    name: 'PlanRebalance',
    memoryMb: 512,
    timeoutSeconds: 30,
    uses: { ...none, table: [...READ, 'PutItem'], read: snapshots, secrets: ALPACA },
  },
  {
    name: 'Execute',
    memoryMb: 512,
    timeoutSeconds: 300,
    uses: { ...none, table: [...DynamoActions], read: snapshots, secrets: ALPACA },
  },
  {
    name: 'RecordBranchFailure',
    memoryMb: 256,
    timeoutSeconds: 30,
    uses: { ...none, table: ['GetItem', 'PutItem'], secrets: ALPACA },
  },
  {
    name: 'AggregatePool',
    memoryMb: 512,
    timeoutSeconds: 60,
    uses: { ...none, table: [...READ, 'PutItem'], read: snapshots, secrets: ALPACA },
  },
  {
    name: 'PlanPool',
    memoryMb: 512,
    timeoutSeconds: 30,
    uses: { ...none, table: [...READ, 'PutItem'], read: snapshots, secrets: ALPACA },
  },
  {
    name: 'ExecutePool',
    memoryMb: 512,
    timeoutSeconds: 300,
    uses: { ...none, table: [...DynamoActions], read: snapshots, secrets: ALPACA },
  },
  {
    name: 'Finalize',
    memoryMb: 512,
    timeoutSeconds: 120,
    uses: { ...none, table: [...READ, 'PutItem', 'UpdateItem'], read: snapshots, secrets: ALPACA },
  },
  { name: 'StartExecution', memoryMb: 256, timeoutSeconds: 30, uses: { ...none, startExecution: true } },
];

/**
 * Functions that hold the Alpaca keys although their step never calls the broker: the Lambda composition
 * (`packages/functions` env.ts / env-runtime.ts) requires the keys and builds the Alpaca client in every
 * function at cold start. Once it builds the broker only where a step uses it, empty this list and drop
 * their `secrets` (test/infra keeps the list exact).
 */
export const SECRETS_FOR_RUNTIME_ONLY: readonly FunctionSpec['name'][] = ['Evaluate', 'RecordBranchFailure'];

/** Every function, with its handler path. */
export const FUNCTIONS: readonly FunctionSpec[] = SPECS.map((f) => ({ ...f, handler: handlerOf(f.name) }));

/** The spec of one function (throws on an unknown name: a typo must not deploy a function without grants). */
export const functionSpec = (name: FunctionSpec['name']): FunctionSpec => {
  const spec = FUNCTIONS.find((f) => f.name === name);
  if (!spec) throw new Error(`no function spec for ${name}`);
  return spec;
};

/** The workflow's task functions (every `TaskNames` entry), in workflow order. */
export const taskFunctions = (): readonly FunctionSpec[] => TaskNames.map((t) => functionSpec(t));
