/**
 * Each Lambda function bundled as SST bundles it (esbuild: one ESM file for Node 22, minified, the AWS SDK
 * left to the runtime), with esbuild's metafile: what went in and how many bytes each input left in the
 * output. Used by the bundle test and by `npm run bench -- bundles`.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { FUNCTIONS, type FunctionSpec } from '../../stacks/manifest.ts';
import { ROOT } from './derive.ts';

/** One function's bundle. */
export interface FunctionBundle {
  readonly name: FunctionSpec['name'];
  readonly handler: string;
  /** Size of the bundled file. */
  readonly bytes: number;
  /** Output bytes per input path (`node_modules/zod/...`, `packages/core/src/...`). */
  readonly inputs: ReadonlyMap<string, number>;
}

/** The npm package (or repo package folder) an input path belongs to. */
export const packageOf = (path: string): string => {
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return path.split('/').slice(0, 2).join('/');
};

/** Bundles the handler of every function (the tasks and the starter) in memory. */
export const bundleFunctions = async (): Promise<FunctionBundle[]> => {
  const out: FunctionBundle[] = [];
  for (const f of FUNCTIONS) {
    const entry = join(ROOT, f.handler.replace(/\.handler$/, '.ts'));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      external: ['@aws-sdk/*'],
      metafile: true,
      write: false,
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
    const output = Object.values(result.metafile.outputs)[0]!;
    out.push({
      name: f.name,
      handler: f.handler,
      bytes: result.outputFiles[0]!.contents.byteLength,
      inputs: new Map(Object.entries(output.inputs).map(([p, i]) => [p, i.bytesInOutput])),
    });
  }
  return out;
};
