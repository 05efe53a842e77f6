/**
 * What each Lambda function is and what it may touch, as data: handler path, memory, timeout, and the table
 * actions, bucket prefixes and runtime ports (hence secrets) its code uses. `policies.ts` turns this into
 * IAM documents and `functions.ts` into `sst.aws.Function`s; test/infra asserts both. Free of SST globals so
 * the root `tsc` and vitest can import it.
 *
 * This list is the contract with the steps of `packages/app` (run by the handlers of `packages/functions`):
 * a step that starts using another ledger call, prefix or port must be declared here, or AWS refuses it
 * (AccessDenied; a port without its keys or adapter fails with EnvInvalidError on first use) — the failure
 * is loud, never a silent widening.
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
  /** Daily performance reports (JSON and HTML), written by Finalize. */
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

/**
 * The ports built from credentials. Only the handlers whose step uses one bring their adapters
 * (packages/functions `trading-ports.ts`), built lazily: only those functions need the credentials.
 */
export const RuntimePorts = ['broker', 'marketData'] as const;
export type RuntimePort = (typeof RuntimePorts)[number];

/** The secrets each port's deployed adapter needs: Alpaca's key pair, for trading and for bars alike. */
export const PORT_SECRETS: Readonly<Record<RuntimePort, readonly SecretName[]>> = {
  broker: ALPACA,
  marketData: ALPACA,
};

/** The secrets a function receives: those of the ports its step uses, each once, in {@link Secrets} order. */
export const secretsForPorts = (ports: readonly RuntimePort[]): SecretName[] =>
  (Object.keys(Secrets) as SecretName[]).filter((s) => ports.some((p) => PORT_SECRETS[p].includes(s)));

/** What one function's code uses. */
export interface Uses {
  /** Ledger table actions (on the table and, for `Query`, its GSIs). */
  readonly table: readonly DynamoAction[];
  /** Bucket prefixes read (GetObject, plus ListBucket on the prefix so a missing key reads as NoSuchKey). */
  readonly read: readonly BucketPrefix[];
  /** Bucket prefixes written (PutObject). */
  readonly write: readonly BucketPrefix[];
  /** Runtime ports its step uses (`runtime.broker`, `runtime.marketData`). */
  readonly ports: readonly RuntimePort[];
  /** SST secrets delivered to the function: always {@link secretsForPorts} of `ports`. */
  readonly secrets: readonly SecretName[];
  /** May start executions of the state machine (the scheduled starter only). */
  readonly startExecution: boolean;
  /** Publishes to the stage's SNS topic (the day's summary; it receives the topic's ARN). */
  readonly publish: boolean;
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
  /**
   * npm packages installed next to the bundle instead of bundled: packages whose files the code reads at
   * run time (Finalize inlines uPlot's script into the HTML report).
   */
  readonly install: readonly string[];
}

/** `PlanRebalance` → `plan-rebalance`. */
export const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Handler module path (relative to the repo root) of a function, as SST wants it. */
export const handlerOf = (name: string): string => `packages/functions/src/handlers/${kebab(name)}.handler`;

/** What a spec declares: everything but the secrets, which follow from the ports. */
type DeclaredUses = Omit<Uses, 'secrets'>;
const none: DeclaredUses = {
  table: [],
  read: [],
  write: [],
  ports: [],
  startExecution: false,
  publish: false,
};
const snapshots: readonly BucketPrefix[] = [BucketPrefixes.snapshots];
const READ: readonly DynamoAction[] = ['GetItem', 'Query'];

/**
 * Per task: memory and timeout (the workflow's task `TimeoutSeconds` are these plus 10 s, so Lambda always
 * times out first) and uses. Table actions and ports are checked against the step code in test/infra
 * (`ledger.x(` calls mapped to DynamoDB actions through the ledger's source; `runtime.broker` /
 * `runtime.marketData` reached from the step function). Bucket grants follow the keys the code writes:
 * `snapshots/` (PrepareRun's market snapshot, read by every later step through its `snapshotRef`),
 * `traces/` (Evaluate's and Shadow's decision traces) and `reports/` (Finalize's daily report, whose summary
 * it also publishes to the topic; its benchmark comes from the market-data port). Steps that read only the
 * snapshot (Evaluate, AggregatePool), RecordBranchFailure and shadow mode's (PrepareShadows, Shadow: they
 * trade paper books on the SimBroker over the ledger's shadow scope) use no port, so they never hold the
 * Alpaca keys.
 */
const SPECS: readonly (Omit<FunctionSpec, 'handler' | 'uses' | 'install'> & {
  readonly uses: DeclaredUses;
  readonly install?: readonly string[];
})[] = [
  {
    name: 'PrepareRun',
    memoryMb: 1024,
    timeoutSeconds: 120,
    uses: {
      ...none,
      table: [...READ, 'PutItem', 'UpdateItem'],
      write: snapshots,
      ports: ['broker', 'marketData'],
    },
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
    },
  },
  {
    name: 'PlanRebalance',
    memoryMb: 512,
    timeoutSeconds: 30,
    uses: { ...none, table: [...READ, 'PutItem'], read: snapshots, ports: ['broker'] },
  },
  {
    name: 'Execute',
    memoryMb: 512,
    timeoutSeconds: 300,
    uses: { ...none, table: [...DynamoActions], read: snapshots, ports: ['broker'] },
  },
  {
    name: 'RecordBranchFailure',
    memoryMb: 256,
    timeoutSeconds: 30,
    uses: { ...none, table: ['GetItem', 'PutItem'] },
  },
  {
    name: 'AggregatePool',
    memoryMb: 512,
    timeoutSeconds: 60,
    uses: { ...none, table: [...READ, 'PutItem'], read: snapshots },
  },
  {
    name: 'PlanPool',
    memoryMb: 512,
    timeoutSeconds: 30,
    uses: { ...none, table: [...READ, 'PutItem'], read: snapshots, ports: ['broker'] },
  },
  {
    // Netting at the account (docs/execution.md): shares and cash between books, in the ledger only.
    name: 'NetOrders',
    memoryMb: 512,
    timeoutSeconds: 30,
    uses: { ...none, table: [...READ, 'PutItem', 'UpdateItem'], read: snapshots },
  },
  {
    name: 'ExecutePool',
    memoryMb: 512,
    timeoutSeconds: 300,
    uses: { ...none, table: [...DynamoActions], read: snapshots, ports: ['broker'] },
  },
  {
    // Shadow mode (docs/shadow.md): paper books in the ledger's shadow scope, no trading port, no keys.
    name: 'PrepareShadows',
    memoryMb: 512,
    timeoutSeconds: 60,
    uses: { ...none, table: [...READ, 'PutItem', 'UpdateItem'], read: snapshots },
  },
  {
    name: 'Shadow',
    memoryMb: 1024,
    timeoutSeconds: 120,
    uses: { ...none, table: [...DynamoActions], read: snapshots, write: [BucketPrefixes.traces] },
  },
  {
    name: 'Finalize',
    memoryMb: 512,
    timeoutSeconds: 120,
    uses: {
      ...none,
      table: [...READ, 'PutItem', 'UpdateItem'],
      read: snapshots,
      write: [BucketPrefixes.reports],
      ports: ['broker', 'marketData'],
      publish: true,
    },
    install: ['uplot'],
  },
  { name: 'StartExecution', memoryMb: 256, timeoutSeconds: 30, uses: { ...none, startExecution: true } },
];

/** Every function, with its handler path and the secrets of its ports. */
export const FUNCTIONS: readonly FunctionSpec[] = SPECS.map((f) => ({
  ...f,
  install: f.install ?? [],
  handler: handlerOf(f.name),
  uses: { ...f.uses, secrets: secretsForPorts(f.uses.ports) },
}));

/** The spec of one function (throws on an unknown name: a typo must not deploy a function without grants). */
export const functionSpec = (name: FunctionSpec['name']): FunctionSpec => {
  const spec = FUNCTIONS.find((f) => f.name === name);
  if (!spec) throw new Error(`no function spec for ${name}`);
  return spec;
};

/** The workflow's task functions (every `TaskNames` entry), in workflow order. */
export const taskFunctions = (): readonly FunctionSpec[] => TaskNames.map((t) => functionSpec(t));
