// Bundles the `ensemble` command into packages/cli/dist so that it starts without compiling TypeScript.
//
// Run from source through tsx, every start compiled the CLI's TypeScript (0.6–1.2 s); the bundle starts in
// about twice the time of `node -e 0` (docs/benchmarks.md). What is bundled: the CLI and the workspace
// packages it imports (@ensemble/*, TypeScript), plus zod and decimal.js (`BUNDLED_PACKAGES`). What is not:
// the other packages from node_modules (already JavaScript; left as imports that Node resolves from the
// repo's node_modules, so native modules, CommonJS and files loaded by path inside them work as they do
// from source). Code splitting keeps the CLI's per-command dynamic imports lazy: `check` loads the parser,
// not the AWS SDK or the embedded database.
//
// Files that find things by path relative to their own module (`new URL('…', import.meta.url)`: the
// embedded database's worker thread, the bundled market data) would look next to the bundle instead; each
// workspace module's `import.meta.url` is therefore rewritten to its source file's URL, computed relative
// to the bundle's own URL so the repo can move.
//
// The bundle is rebuilt by `npm install` / `npm ci` (the root `prepare` script) and, when any of its
// inputs changed since, by bin/ensemble.mjs before it starts (see `isStale`). Outputs are written to
// temporary names and renamed into place, the entry and the manifest last, so a CLI starting meanwhile
// sees either the old bundle or the new one.
//
// Usage: node packages/cli/scripts/build.mjs [OUTDIR]
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = resolve(CLI_DIR, '..', '..');
/** Where the bundle goes by default (gitignored). */
export const DEFAULT_OUTDIR = join(CLI_DIR, 'dist');
/** The bundle's entry, which exports `main`. */
export const ENTRY_FILE = 'ensemble.mjs';
/** Lists every input file with the modification time it was bundled at. */
export const MANIFEST_FILE = 'inputs.json';
/** Files older than this that the current build does not use are removed (a running CLI may still need one). */
const PRUNE_AFTER_MS = 60 * 60 * 1000;

/**
 * The files whose change must rebuild, from the bundled modules (paths relative to the repo): the workspace
 * modules; for the packages bundled from node_modules, their manifests (an upgrade rewrites them; their
 * ~100 modules are not checked one by one); the workspace manifests (their `exports` decide what an
 * `@ensemble/*` import resolves to); and this script.
 */
const inputsOf = async (bundled) => {
  const manifests = new Set();
  for (const p of bundled) {
    const inPackage = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(p);
    if (inPackage) manifests.add(`${inPackage[1]}/package.json`);
  }
  const packages = join(REPO_ROOT, 'packages');
  return [
    ...[...bundled.filter((p) => !p.includes('node_modules/')), ...manifests].map((p) =>
      resolve(REPO_ROOT, p),
    ),
    ...(await readdir(packages)).map((n) => join(packages, n, 'package.json')),
    fileURLToPath(import.meta.url),
  ];
};

/** Whether the bundle in `outdir` is missing or any of its inputs changed (or vanished) since it was built. */
export const isStale = (outdir = DEFAULT_OUTDIR) => {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outdir, MANIFEST_FILE), 'utf8'));
    statSync(join(outdir, ENTRY_FILE));
  } catch {
    return true;
  }
  for (const [file, mtimeMs] of Object.entries(manifest.inputs)) {
    try {
      if (statSync(resolve(REPO_ROOT, file)).mtimeMs !== mtimeMs) return true;
    } catch {
      return true;
    }
  }
  return false;
};

const isWorkspaceSource = (path) => relative(REPO_ROOT, path).split(sep)[0] === 'packages';

/**
 * Packages from node_modules that are bundled too: plain ESM with no files loaded by path, imported on every
 * start (`check` included). zod alone is ~90 modules (every locale), which Node would otherwise resolve and
 * load one by one (about a sixth of `check`'s CPU time).
 */
const BUNDLED_PACKAGES = new Set(['zod', 'decimal.js']);

/** The package name of a bare import (`@scope/name/sub` → `@scope/name`). */
const packageName = (path) => path.split('/', path.startsWith('@') ? 2 : 1).join('/');

/** esbuild plugin: other bare imports than `@ensemble/*` and the bundled packages stay imports. */
const externalNodeModules = {
  name: 'external-node-modules',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = packageName(args.path);
      return name.startsWith('@ensemble/') || name.startsWith('node:') || BUNDLED_PACKAGES.has(name)
        ? undefined
        : { external: true };
    });
  },
};

/** esbuild plugin: a workspace module's `import.meta.url` is its source file's URL (see the header). */
const sourceImportMetaUrl = (outdir) => ({
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|mjs|js)$/ }, async (args) => {
      if (!isWorkspaceSource(args.path)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromBundle = relative(outdir, args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return {
        contents: text.replaceAll('import.meta.url', url),
        loader: args.path.endsWith('.ts') || args.path.endsWith('.mts') ? 'ts' : 'js',
      };
    });
  },
});

/** Write `contents` to `path` atomically (a temporary name in the same folder, then a rename). */
const writeAtomic = async (path, contents) => {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, contents);
  await rename(tmp, path);
};

/** Bundle the CLI into `outdir`; returns the input files. */
export const build = async (outdir = DEFAULT_OUTDIR) => {
  const { build: esbuild, stop } = await import('esbuild');
  const started = Date.now();
  // esbuild builds in a service process of its own; it is stopped once the build is done, so that no
  // process of ours outlives the command that bundled (it would stay in the command's process group).
  const result = await esbuild({
    absWorkingDir: REPO_ROOT,
    entryPoints: { ensemble: join(CLI_DIR, 'src', 'main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [externalNodeModules, sourceImportMetaUrl(outdir)],
  }).finally(() => stop());
  await mkdir(outdir, { recursive: true });
  const entry = join(outdir, ENTRY_FILE);
  const outputs = result.outputFiles;
  // Chunks first, the entry after them, the manifest last.
  for (const f of outputs.filter((o) => o.path !== entry)) await writeAtomic(f.path, f.contents);
  for (const f of outputs.filter((o) => o.path === entry)) await writeAtomic(f.path, f.contents);
  const files = await inputsOf(Object.keys(result.metafile.inputs));
  const inputs = {};
  for (const file of files) {
    const { mtimeMs } = await stat(file);
    // A file changed while it was being bundled is recorded as changed, so the next start rebuilds.
    inputs[relative(REPO_ROOT, file).split(sep).join('/')] = mtimeMs < started ? mtimeMs : -1;
  }
  await writeAtomic(join(outdir, MANIFEST_FILE), `${JSON.stringify({ inputs }, null, 1)}\n`);
  await prune(outdir, new Set([...outputs.map((o) => o.path), join(outdir, MANIFEST_FILE)]));
  return files;
};

/** Remove files of earlier builds from `outdir` once they are old enough that no running CLI needs them. */
const prune = async (outdir, keep) => {
  const now = Date.now();
  for (const name of await readdir(outdir)) {
    const path = join(outdir, name);
    if (keep.has(path)) continue;
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: now }));
    if (now - mtimeMs > PRUNE_AFTER_MS) await rm(path, { force: true });
  }
};

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const outdir = resolve(process.argv[2] ?? DEFAULT_OUTDIR);
  const t = performance.now();
  const files = await build(outdir);
  const ms = Math.round(performance.now() - t);
  console.log(
    `ensemble CLI bundled into ${relative(process.cwd(), outdir) || '.'} (${files.length} inputs, ${ms} ms)`,
  );
}
