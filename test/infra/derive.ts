/**
 * What a task's code uses, derived from source text (no AWS, no execution): the files a step reaches through
 * value imports (relative ones, and named value imports from `@ensemble/execution` / `@ensemble/ledger`,
 * followed to the file that defines them), the ledger methods and broker calls in those files, and the
 * DynamoDB actions each ledger method issues (from the ledger's repository source). Over-approximates
 * slightly (a whole file counts once reached); never under-approximates a call written as
 * `ledger.method(` or `broker.method(`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DynamoAction } from '../../stacks/manifest.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string): string => readFileSync(path, 'utf8');
const sourcesOf = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));

const FOLLOWED_PACKAGES: Record<string, string> = {
  '@ensemble/execution': join(ROOT, 'packages/execution/src'),
  '@ensemble/ledger': join(ROOT, 'packages/ledger/src'),
};

const IMPORT =
  /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'|import\s+(type\s+)?[\w*\s]+from\s+'([^']+)'/g;

/** Names imported as values (not `type`) by one import clause's braces. */
const valueNames = (braces: string): string[] =>
  braces
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('type '))
    .map((s) => s.split(/\s+as\s+/)[0]!.trim());

const definingFile = (dir: string, name: string): string | undefined =>
  sourcesOf(dir).find((f) =>
    new RegExp(`export\\s+(async\\s+)?(const|function|class)\\s+${name}\\b`).test(read(f)),
  );

/** Files reached from `entry` through value imports. */
export const closureOf = (entry: string): Set<string> => {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of read(file).matchAll(IMPORT)) {
      const [, typeOnly, braces, from1, typeOnly2, from2] = m;
      const from = from1 ?? from2!;
      if (typeOnly || typeOnly2) continue;
      if (from.startsWith('.')) {
        const target = resolve(dirname(file), from);
        if (existsSync(target) && (braces === undefined || valueNames(braces).length > 0)) queue.push(target);
      } else if (FOLLOWED_PACKAGES[from] && braces !== undefined) {
        for (const name of valueNames(braces)) {
          const f = definingFile(FOLLOWED_PACKAGES[from], name);
          if (f) queue.push(f);
        }
      }
    }
  }
  return seen;
};

const callsIn = (files: Iterable<string>, receiver: string): Set<string> => {
  const out = new Set<string>();
  const re = new RegExp(`\\b${receiver}\\s*\\.\\s*(\\w+)\\s*\\(`, 'g');
  for (const f of files) for (const m of read(f).matchAll(re)) out.add(m[1]!);
  return out;
};

/** `ledger.x(` calls in the files. */
export const ledgerCallsIn = (files: Iterable<string>): Set<string> => callsIn(files, 'ledger');
/** `broker.x(` calls in the files. */
export const brokerCallsIn = (files: Iterable<string>): Set<string> => callsIn(files, 'broker');

const VERB_ACTION: Record<string, DynamoAction | 'UNSUPPORTED'> = {
  get: 'GetItem',
  create: 'PutItem',
  put: 'PutItem',
  upsert: 'PutItem',
  patch: 'UpdateItem',
  update: 'UpdateItem',
  delete: 'DeleteItem',
  remove: 'DeleteItem',
  query: 'Query',
  scan: 'UNSUPPORTED',
  batchGet: 'UNSUPPORTED',
  batchWrite: 'UNSUPPORTED',
  transaction: 'UNSUPPORTED',
};

/** DynamoDB actions (by ElectroDB verb) of every top-level function in the ledger's repository source. */
const ledgerBlocks = (): Map<string, { actions: Set<string>; calls: Set<string> }> => {
  const dir = join(ROOT, 'packages/ledger/src');
  const files = sourcesOf(dir).filter(
    (f) => /\/(repository|operations)\//.test(f) || f.endsWith('journal.ts'),
  );
  const blocks = new Map<string, string>();
  for (const f of files) {
    const parts = read(f).split(/^(?=(?:export\s+)?(?:async\s+)?(?:const|function)\s+\w+)/m);
    for (const p of parts) {
      const name = /^(?:export\s+)?(?:async\s+)?(?:const|function)\s+(\w+)/.exec(p)?.[1];
      if (name) blocks.set(name, `${blocks.get(name) ?? ''}\n${p}`);
    }
  }
  const out = new Map<string, { actions: Set<string>; calls: Set<string> }>();
  for (const [name, text] of blocks) {
    const actions = new Set<string>();
    for (const m of text.matchAll(/entities\.\w+\s*\.\s*(\w+)\b/g)) {
      const a = VERB_ACTION[m[1]!];
      if (a) actions.add(a);
    }
    if (/collections\s*\.\s*\w+\s*\(/.test(text)) actions.add('Query');
    for (const m of text.matchAll(
      /\b(?:entities\.\w+|svc)\s*\.\s*(scan|transaction|batchGet|batchWrite)\b/g,
    )) {
      actions.add(`UNSUPPORTED:${m[1]}`);
    }
    const calls = new Set([...text.matchAll(/\b(\w+)\s*\(/g)].map((m) => m[1]!).filter((c) => c !== name));
    out.set(name, { actions, calls });
  }
  return out;
};

/** LedgerRepository method → the DynamoDB actions it may issue (transitively through helpers). */
export const ledgerMethodActions = (): Map<string, Set<string>> => {
  const blocks = ledgerBlocks();
  const repo = read(join(ROOT, 'packages/ledger/src/repository.ts'));
  const impl = new Map<string, string>();
  for (const m of repo.matchAll(/^\s{4}(\w+):\s*\([^)]*\)\s*=>\s*(?:\w+\.)?(\w+)\(ctx/gm))
    impl.set(m[1]!, m[2]!);
  const actionsOf = (name: string, seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    if (seen.has(name)) return out;
    seen.add(name);
    const b = blocks.get(name);
    if (!b) return out;
    for (const a of b.actions) out.add(a);
    for (const c of b.calls) if (blocks.has(c)) for (const a of actionsOf(c, seen)) out.add(a);
    return out;
  };
  return new Map([...impl].map(([method, fn]) => [method, actionsOf(fn)]));
};

/** What one task's step code uses. */
export interface DerivedUses {
  readonly ledgerMethods: Set<string>;
  readonly tableActions: Set<string>;
  readonly brokerCalls: Set<string>;
  readonly files: Set<string>;
}

/** Derive the uses of the step behind `packages/functions/src/steps/<kebab>.ts`. */
export const derivedUsesOf = (
  kebabName: string,
  methodActions = ledgerMethodActions(),
): DerivedUses | null => {
  const entry = join(ROOT, 'packages/functions/src/steps', `${kebabName}.ts`);
  if (!existsSync(entry)) return null;
  const files = closureOf(entry);
  const ledgerMethods = ledgerCallsIn(files);
  const tableActions = new Set<string>();
  for (const m of ledgerMethods) {
    const actions = methodActions.get(m);
    if (!actions) throw new Error(`ledger method ${m} (used by ${kebabName}) not found in repository.ts`);
    for (const a of actions) tableActions.add(a);
  }
  return { ledgerMethods, tableActions, brokerCalls: brokerCallsIn(files), files };
};
