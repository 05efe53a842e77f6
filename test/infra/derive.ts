/**
 * What a task's code uses, derived from source text (no AWS, no execution): the files a step reaches through
 * value imports (relative ones, and named value imports from `@ensemble/execution` / `@ensemble/ledger`,
 * followed to the file that defines them), the ledger methods and broker calls in those files, and the
 * DynamoDB actions each ledger method issues (from the ledger's repository source). Over-approximates
 * slightly (a whole file counts once reached); never under-approximates a call written as
 * `ledger.method(` or `broker.method(`. The runtime ports a step uses (which decide its secrets) are derived
 * more finely, declaration by declaration (`runtimePortsOf`), since a step importing one pure helper from
 * another step's file must not inherit that step's broker.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type DynamoAction, type RuntimePort, RuntimePorts } from '../../stacks/manifest.ts';

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
/** `notifier.x(` calls in the files (the day's summary, published to the stage's topic). */
export const notifierCallsIn = (files: Iterable<string>): Set<string> => callsIn(files, 'notifier');

/** Bucket prefixes of the keys written in the files: template literals such as `` `reports/${day}` ``. */
export const keyPrefixesIn = (files: Iterable<string>): Set<string> => {
  const out = new Set<string>();
  for (const f of files) for (const m of read(f).matchAll(/`([a-z]+\/)\$\{/g)) out.add(m[1]!);
  return out;
};

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

/**
 * LedgerRepository method → the DynamoDB actions it may issue (transitively through helpers). A method's
 * implementation is named where its role binds it (`repository/<role>.ts`: `method: (…) => fn(ctx, …)`).
 */
export const ledgerMethodActions = (): Map<string, Set<string>> => {
  const blocks = ledgerBlocks();
  const impl = new Map<string, string>();
  for (const f of sourcesOf(join(ROOT, 'packages/ledger/src/repository'))) {
    for (const m of read(f).matchAll(/^\s+(\w+):\s*\([^)]*\)\s*=>\s*(?:\w+\.)?(\w+)\(ctx/gm))
      impl.set(m[1]!, m[2]!);
  }
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

/** Derive the uses of the step behind `packages/app/src/steps/<kebab>.ts`. */
export const derivedUsesOf = (
  kebabName: string,
  methodActions = ledgerMethodActions(),
): DerivedUses | null => {
  const entry = join(ROOT, 'packages/app/src/steps', `${kebabName}.ts`);
  if (!existsSync(entry)) return null;
  const files = closureOf(entry);
  const ledgerMethods = ledgerCallsIn(files);
  const tableActions = new Set<string>();
  for (const m of ledgerMethods) {
    const actions = methodActions.get(m);
    if (!actions)
      throw new Error(`ledger method ${m} (used by ${kebabName}) not found in the ledger's repository/`);
    for (const a of actions) tableActions.add(a);
  }
  return { ledgerMethods, tableActions, brokerCalls: brokerCallsIn(files), files };
};

const STEPS = join(ROOT, 'packages/app/src/steps');

/** Source text without comments (a `//` after `:` or a quote, as in URLs, is kept). */
const withoutComments = (text: string): string =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const DECLARATION =
  /^(?:export\s+)?(?:declare\s+)?(?:async\s+)?(const|let|var|function\*?|class|interface|type|enum)\s+(\w+)/;

/** Top-level value declarations of a file (name → text); types and interfaces are erased, so left out. */
const topLevelBlocks = (file: string): Map<string, string> => {
  const parts = withoutComments(read(file)).split(
    /^(?=(?:export\s+)?(?:declare\s+)?(?:async\s+)?(?:const|let|var|function|class|interface|type|enum)\s)/m,
  );
  const out = new Map<string, string>();
  for (const p of parts) {
    const m = DECLARATION.exec(p);
    if (m && m[1] !== 'interface' && m[1] !== 'type') out.set(m[2]!, `${out.get(m[2]!) ?? ''}\n${p}`);
  }
  return out;
};

/** Value imports of a file: local name → the relative file and the name it exports (`*`: the whole file). */
const relativeImports = (file: string): Map<string, { file: string; name: string }> => {
  const out = new Map<string, { file: string; name: string }>();
  const text = withoutComments(read(file));
  for (const m of text.matchAll(/import\s+(?!type\s)([^'";]*?)\s+from\s+'(\.[^']+)'/g)) {
    const [, clause, from] = m;
    const target = resolve(dirname(file), from!);
    if (!existsSync(target)) continue;
    const braces = /\{([^}]*)\}/.exec(clause!)?.[1];
    for (const s of (braces ?? '').split(',').map((x) => x.trim())) {
      if (s === '' || s.startsWith('type ')) continue;
      const [name, local] = s.split(/\s+as\s+/).map((x) => x.trim());
      out.set(local ?? name!, { file: target, name: name! });
    }
    const other = clause!
      .replace(/\{[^}]*\}/, '')
      .replace(/,/g, ' ')
      .trim();
    const ns = /\*\s+as\s+(\w+)/.exec(other)?.[1] ?? (/^(\w+)$/.exec(other)?.[1] as string | undefined);
    if (ns) out.set(ns, { file: target, name: '*' });
  }
  return out;
};

/** Where a block reaches a runtime port: `x.broker`, `{ broker } =` / `{ broker }: T`, or a spread runtime. */
export const portsIn = (text: string): Set<RuntimePort> => {
  const out = new Set<RuntimePort>();
  for (const port of RuntimePorts) {
    const access = new RegExp(`\\.\\s*${port}\\b`);
    const destructured = new RegExp(`\\{[^{}]*\\b${port}\\b[^{}]*\\}\\s*[=:]`);
    if (access.test(text) || destructured.test(text)) out.add(port);
  }
  // The whole set of ports spread into, or indexed: every port may be reached.
  if (/\.\.\.\s*(?:[\w.]+\.)?ports\b|\bports\s*\[/.test(text)) for (const p of RuntimePorts) out.add(p);
  return out;
};

/** The step function of a task and the file that defines it (`export const xTask = task('X', step)`). */
export const stepEntryOf = (task: string): { file: string; name: string } => {
  const re = new RegExp(`=\\s*task\\(\\s*'${task}'\\s*,\\s*(\\w+)\\s*\\)`);
  for (const file of sourcesOf(STEPS)) {
    const fn = re.exec(read(file))?.[1];
    if (fn) return { file, name: fn };
  }
  throw new Error(`task ${task} not found in ${STEPS}`);
};

/**
 * The runtime ports (`broker`, `marketData`) a task's step reaches: from its step function, every top-level
 * value declaration it names (in its file, or imported from a relative file), transitively, and which of
 * those reach `broker`/`marketData` (see `portsIn`). Code of other packages gets the ports only as explicit
 * arguments, so it needs no walk; test/infra checks that every broker or market-data call of the files a
 * step reaches is covered.
 */
export const runtimePortsOf = (task: string): Set<RuntimePort> => {
  const entry = stepEntryOf(task);
  const out = new Set<RuntimePort>();
  const seen = new Set<string>();
  const queue: { file: string; name: string }[] = [entry];
  while (queue.length > 0) {
    const { file, name } = queue.pop()!;
    const key = `${file}#${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const blocks = topLevelBlocks(file);
    // An unknown name (a re-export, a namespace import) counts the whole file.
    const text = blocks.get(name) ?? [...blocks.values()].join('\n');
    for (const p of portsIn(text)) out.add(p);
    const imports = relativeImports(file);
    for (const [id] of text.matchAll(/\b[A-Za-z_$][\w$]*\b/g)) {
      if (blocks.has(id)) queue.push({ file, name: id });
      const imported = imports.get(id);
      if (imported) queue.push(imported);
    }
  }
  return out;
};

/** `marketData.x(` calls in the files. */
export const marketDataCallsIn = (files: Iterable<string>): Set<string> => callsIn(files, 'marketData');
