/**
 * Least privilege: each function's policy grants exactly what its step code uses (derived from source in
 * derive.ts), nothing has a `*` data resource, and the state machine / scheduler roles reach only their
 * functions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BucketPrefixes,
  DynamoActions,
  FUNCTIONS,
  functionSpec,
  kebab,
  RuntimePorts,
  Secrets,
  secretsForPorts,
  taskFunctions,
} from '../../stacks/manifest.ts';
import {
  type DataArns,
  functionPolicy,
  type PolicyDocument,
  schedulerPolicy,
  secretEnvironment,
  stateMachinePolicy,
  toSstPermissions,
  WILDCARD_ONLY_ACTIONS,
} from '../../stacks/policies.ts';
import {
  brokerCallsIn,
  derivedUsesOf,
  keyPrefixesIn,
  ledgerMethodActions,
  marketDataCallsIn,
  notifierCallsIn,
  portsIn,
  ROOT,
  runtimePortsOf,
  stepEntryOf,
} from './derive.ts';

const ARNS: DataArns = {
  table: 'arn:aws:dynamodb:us-east-1:111122223333:table/ensemble-prod-LedgerTable-abc',
  indexes: ['gsi1', 'gsi2'],
  bucket: 'arn:aws:s3:::ensemble-prod-artifactsbucket-xyz',
  stateMachine: 'arn:aws:states:us-east-1:111122223333:stateMachine:ensemble-prod',
  topic: 'arn:aws:sns:us-east-1:111122223333:ensemble-prod-alarms',
};

/** (action, resource) pairs a document allows, as sorted strings. */
const grants = (doc: PolicyDocument): string[] =>
  doc.Statement.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${r}`))).sort();

/** Tasks that trade paper books only (shadow mode): the broker they give execution is the paper broker. */
const PAPER_TASKS: readonly string[] = ['Shadow'];

/** The step file a task's handler runs (ExecutePool shares Execute's module). */
const stepOf = (name: string): string => (name === 'ExecutePool' ? 'execute' : kebab(name));

describe('ledger action vocabulary', () => {
  it('the actions the ledger source issues are exactly those the manifest knows', () => {
    // Arrange / Act: every repository method's actions, from the ledger's source
    const methods = ledgerMethodActions();
    const all = new Set([...methods.values()].flatMap((s) => [...s]));
    // Assert: a new kind of call (Scan, batch, transaction) must be added to the manifest consciously
    expect(methods.size).toBeGreaterThan(40);
    expect([...all].sort()).toEqual([...DynamoActions].sort());
  });
});

describe('function policies', () => {
  const methodActions = ledgerMethodActions();

  it.each(taskFunctions().map((f) => [f.name]))(
    '%s grants exactly the table actions its step calls',
    (name) => {
      const spec = functionSpec(name);
      const derived = derivedUsesOf(stepOf(name), methodActions);
      expect(derived, `no step file for ${name}`).not.toBeNull();
      expect([...spec.uses.table].sort()).toEqual([...(derived?.tableActions ?? [])].sort());
    },
  );

  it.each(taskFunctions().map((f) => [f.name]))(
    '%s declares exactly the runtime ports its step reaches, and gets exactly their secrets',
    (name) => {
      // Arrange / Act: the ports reached from the step function, declaration by declaration
      const spec = functionSpec(name);
      const ports = runtimePortsOf(name);
      // Assert: the declared need is the derived one, and the secrets (env vars) follow from it alone
      expect([...spec.uses.ports].sort()).toEqual([...ports].sort());
      expect(spec.uses.secrets).toEqual(secretsForPorts([...ports]));
      const env = Object.keys(secretEnvironment(spec.uses, { AlpacaKeyId: 'k', AlpacaSecretKey: 's' }));
      expect(env.sort()).toEqual(ports.size > 0 ? ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY'] : []);
      // The handler brings the broker and market-data adapters exactly when its step uses a port.
      const handler = readFileSync(join(ROOT, spec.handler.replace(/\.handler$/, '.ts')), 'utf8');
      expect(/from '\.\.\/trading-ports\.ts'/.test(handler), spec.handler).toBe(ports.size > 0);
    },
  );

  it.each(taskFunctions().map((f) => [f.name]))(
    '%s: every broker / market-data call outside the application package is covered by a derived port',
    (name) => {
      // Other packages get the ports as arguments from the step, so their calls imply the step's port use.
      const derived = derivedUsesOf(stepOf(name), methodActions);
      const foreign = [...(derived?.files ?? [])].filter((f) => !f.includes('/packages/app/'));
      const ports = runtimePortsOf(name);
      if (PAPER_TASKS.includes(name)) {
        // Shadow mode executes through `@ensemble/execution` with a broker it builds itself: the SimBroker on
        // a paper account in the ledger's shadow scope (docs/shadow.md). It reaches no runtime port, so it
        // gets no adapter and no keys; what it gives execution is that paper broker.
        const own = [...(derived?.files ?? [])]
          .filter((f) => f.includes('/packages/app/'))
          .map((f) => readFileSync(f, 'utf8'))
          .join('\n');
        expect(own).toMatch(/createSimBroker\(\{\s*store: paperAccountStore\(/);
        expect(own).toMatch(/executeBook\(paper, fills,/);
        expect(ports.size).toBe(0);
        return;
      }
      if (brokerCallsIn(foreign).size > 0) expect(ports).toContain('broker');
      if (marketDataCallsIn(foreign).size > 0) expect(ports).toContain('marketData');
    },
  );

  it('the ports derivation sees the ways a step reaches a port, and only those', () => {
    // The step functions it starts from are the ones each step module's task runs.
    expect(stepEntryOf('ExecutePool')).toEqual({
      file: join(ROOT, 'packages/app/src/steps/execute.ts'),
      name: 'executePool',
    });
    // Declaration by declaration: AggregatePool imports a pure helper from plan-rebalance.ts, whose step
    // calls the broker, and does not inherit it.
    expect(readFileSync(stepEntryOf('AggregatePool').file, 'utf8')).toMatch(/from '\.\/plan-rebalance\.ts'/);
    expect(runtimePortsOf('AggregatePool').size).toBe(0);
    // The patterns that reach a port, and text that does not.
    const seen = (code: string) => [...portsIn(code)].sort();
    expect(seen('const { ledger, broker } = deps.ports;')).toEqual(['broker']);
    expect(seen('await deps.ports.marketData.loadBars(q)')).toEqual(['marketData']);
    expect(seen('const f = ({ marketData }: Ports) => marketData;')).toEqual(['marketData']);
    expect(seen('executePlan({ broker: rt.broker })')).toEqual(['broker']);
    expect(seen('run({ ...deps.ports, clock })')).toEqual([...RuntimePorts].sort());
    expect(
      seen("const { ledger } = deps.ports; logger.info('the broker said no', { marketDataRef });"),
    ).toEqual([]);
  });

  it('every S3 key prefix the application steps write is a declared bucket prefix', () => {
    const src = join(ROOT, 'packages/app/src');
    const files = ['market-snapshot.ts', 'steps/evaluate.ts', 'report/daily-report.ts'].map((f) =>
      join(src, f),
    );
    expect([...keyPrefixesIn(files)].sort()).toEqual(
      [BucketPrefixes.snapshots, BucketPrefixes.traces, BucketPrefixes.reports].sort(),
    );
  });

  it.each(taskFunctions().map((f) => [f.name]))(
    '%s writes reports/ and publishes to the topic exactly when its step code does',
    (name) => {
      // Arrange / Act: the files the step reaches; the report keys and `notifier.publish(` calls in them
      const spec = functionSpec(name);
      const files = derivedUsesOf(stepOf(name), methodActions)?.files ?? new Set<string>();
      // Assert
      expect(spec.uses.write.includes(BucketPrefixes.reports)).toBe(
        keyPrefixesIn(files).has(BucketPrefixes.reports),
      );
      expect(spec.uses.publish).toBe(notifierCallsIn(files).has('publish'));
    },
  );

  it('lists and asserts each policy (action, resource) pairs', () => {
    const T = ARNS.table;
    const idx = [`dynamodb:Query ${T}`, `dynamodb:Query ${T}/index/gsi1`, `dynamodb:Query ${T}/index/gsi2`];
    const item = (...a: string[]) => a.map((x) => `dynamodb:${x} ${T}`);
    const readSnap = [`s3:GetObject ${ARNS.bucket}/snapshots/*`, `s3:ListBucket ${ARNS.bucket}`];
    const expected: Record<string, string[]> = {
      PrepareRun: [
        ...item('GetItem', 'PutItem', 'UpdateItem'),
        ...idx,
        `s3:PutObject ${ARNS.bucket}/snapshots/*`,
      ],
      Evaluate: [...item('GetItem', 'PutItem'), ...readSnap, `s3:PutObject ${ARNS.bucket}/traces/*`],
      PlanRebalance: [...item('GetItem', 'PutItem'), ...idx, ...readSnap],
      Execute: [...item('GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'), ...idx, ...readSnap],
      RecordBranchFailure: item('GetItem', 'PutItem'),
      AggregatePool: [...item('GetItem', 'PutItem'), ...idx, ...readSnap],
      PlanPool: [...item('GetItem', 'PutItem'), ...idx, ...readSnap],
      NetOrders: [...item('GetItem', 'PutItem', 'UpdateItem'), ...idx, ...readSnap],
      ExecutePool: [...item('GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'), ...idx, ...readSnap],
      PrepareShadows: [...item('GetItem', 'PutItem', 'UpdateItem'), ...idx, ...readSnap],
      Shadow: [
        ...item('GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'),
        ...idx,
        ...readSnap,
        `s3:PutObject ${ARNS.bucket}/traces/*`,
      ],
      Finalize: [
        ...item('GetItem', 'PutItem', 'UpdateItem'),
        ...idx,
        ...readSnap,
        `s3:PutObject ${ARNS.bucket}/reports/*`,
        `sns:Publish ${ARNS.topic}`,
      ],
      StartExecution: [`states:StartExecution ${ARNS.stateMachine}`],
    };
    for (const f of FUNCTIONS) {
      expect(grants(functionPolicy(f, ARNS)), f.name).toEqual([...(expected[f.name] ?? ['missing'])].sort());
    }
  });

  it('ListBucket is limited to the read prefixes', () => {
    const doc = functionPolicy(functionSpec('Evaluate'), ARNS);
    const list = doc.Statement.find((s) => s.Action.includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['snapshots/*'] } });
  });

  it('no statement of any role has a wildcard action or a * data resource', () => {
    const docs = [
      ...FUNCTIONS.map((f) => functionPolicy(f, ARNS)),
      stateMachinePolicy(['arn:aws:lambda:us-east-1:111122223333:function:f']),
      schedulerPolicy('arn:aws:lambda:us-east-1:111122223333:function:s'),
    ];
    for (const s of docs.flatMap((d) => d.Statement)) {
      for (const a of s.Action) expect(a).not.toMatch(/\*/);
      if (s.Resource.includes('*')) {
        expect(s.Resource).toEqual(['*']);
        for (const a of s.Action) expect(WILDCARD_ONLY_ACTIONS).toContain(a);
      }
      for (const r of s.Resource.filter((x) => x !== '*')) {
        expect(r).toMatch(/^arn:aws:(dynamodb|s3|states|lambda|sns):/);
        // A trailing wildcard only below a declared prefix (`bucket/snapshots/*`) or a function's versions.
        if (r.endsWith('*')) expect(r).toMatch(/\/(snapshots|traces|reports)\/\*$|:function:[^:]+:\*$/);
      }
    }
  });

  it('a function that starts executions needs the state machine ARN; one that publishes, the topic', () => {
    expect(() =>
      functionPolicy(functionSpec('StartExecution'), { ...ARNS, stateMachine: undefined }),
    ).toThrow();
    expect(() => functionPolicy(functionSpec('Finalize'), { ...ARNS, topic: undefined })).toThrow();
  });

  it('sst permissions carry the same statements, conditions included', () => {
    const doc = functionPolicy(functionSpec('Evaluate'), ARNS);
    const perms = toSstPermissions(doc.Statement);
    expect(
      perms.flatMap((p) => p.actions.flatMap((a) => p.resources.map((r) => `${a} ${r}`))).sort(),
    ).toEqual(grants(doc));
    expect(perms.find((p) => p.actions.includes('s3:ListBucket'))?.conditions).toEqual([
      { test: 'StringLike', variable: 's3:prefix', values: ['snapshots/*'] },
    ]);
  });

  it('secrets reach only the functions that declare them, under the names the handlers read', () => {
    const values = { AlpacaKeyId: 'k', AlpacaSecretKey: 's' };
    expect(secretEnvironment(functionSpec('Execute').uses, values)).toEqual({
      APCA_API_KEY_ID: 'k',
      APCA_API_SECRET_KEY: 's',
    });
    expect(secretEnvironment(functionSpec('StartExecution').uses, values)).toEqual({});
    expect(secretEnvironment(functionSpec('Evaluate').uses, values)).toEqual({});
    const env = readFileSync(join(ROOT, 'packages/functions/src/env.ts'), 'utf8');
    for (const name of Object.values(Secrets)) expect(env).toContain(name);
  });
});

describe('state machine and scheduler roles', () => {
  it('the state machine may invoke exactly its functions (and their versions)', () => {
    const arns = ['arn:aws:lambda:us-east-1:1:function:a', 'arn:aws:lambda:us-east-1:1:function:b'];
    const invoke = stateMachinePolicy(arns).Statement.filter((s) =>
      s.Action.includes('lambda:InvokeFunction'),
    );
    expect(invoke.flatMap((s) => s.Resource).sort()).toEqual([...arns, ...arns.map((a) => `${a}:*`)].sort());
    expect(invoke.flatMap((s) => s.Action)).toEqual(['lambda:InvokeFunction']);
  });

  it('the scheduler may invoke only the starter', () => {
    expect(grants(schedulerPolicy('arn:aws:lambda:us-east-1:1:function:s'))).toEqual([
      'lambda:InvokeFunction arn:aws:lambda:us-east-1:1:function:s',
    ]);
  });
});
