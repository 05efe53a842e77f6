#!/usr/bin/env node
// The `ensemble` command. It runs the CLI bundled into ../dist by ../scripts/build.mjs (built by
// `npm install`), first rebuilding the bundle if any of its inputs changed since (a stat of each of the
// ~220 inputs it lists, a few milliseconds), so an edited source is always what runs. ENSEMBLE_FROM_SOURCE=1
// runs the TypeScript sources through tsx instead (slower start, TypeScript line numbers in stack traces).
const FLOOR = 22;
if (Number(process.versions.node.split('.')[0]) < FLOOR) {
  process.stderr.write(
    `ensemble: Node ${FLOOR} or later is needed; this is Node ${process.version} (see "Node 22" in README.md)\n`,
  );
  process.exit(1);
}

// V8's code cache on disk (in the OS temp folder): later starts skip compiling the bundle and the packages
// it imports, about a quarter of a short command's CPU time.
(await import('node:module')).enableCompileCache?.();

/** The CLI's `main`, from the bundle (rebuilt when stale), else from source. */
const loadMain = async () => {
  if (process.env.ENSEMBLE_FROM_SOURCE !== '1') {
    const bundle = await import('../scripts/build.mjs');
    try {
      if (bundle.isStale()) await bundle.build();
      const { pathToFileURL } = await import('node:url');
      const { join } = await import('node:path');
      return (await import(pathToFileURL(join(bundle.DEFAULT_OUTDIR, bundle.ENTRY_FILE)).href)).main;
    } catch (e) {
      process.stderr.write(
        `ensemble: could not bundle the CLI, running it from source (${e instanceof Error ? e.message : e})\n`,
      );
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../src/main.ts')).main;
};

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
