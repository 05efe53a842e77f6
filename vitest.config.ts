import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Three projects, all run by `vitest run` (`npm test`):
 * - unit: pure tests, no server (not even the in-process database), no child process, no trading day;
 *   `npm run test:unit` runs only these.
 * - ledger: the ledger suite, on dynalite and on one DynamoDB Local started for the whole run (its global
 *   setup) instead of one per file.
 * - integration: the rest (the embedded database, loopback servers, whole local days, the CLI).
 *
 * unit and integration run their files one after another in each worker without a fresh module graph per
 * file (`isolate: false`): every integration file imports the whole stack (AWS SDK, ElectroDB, dynalite,
 * Powertools), and loading it again in each of ~35 files was about 40 % of their CPU time. A test
 * that changes process-wide state (a client stubbed on its prototype, a spy, process.env) undoes it when it
 * ends. The ledger files keep their own module graph (their time is in the tests, not in imports).
 */
const UNIT = [
  'packages/core/src/**/*.test.ts',
  'packages/config/src/**/*.test.ts',
  'packages/market-data/src/**/*.test.ts',
  'packages/report/src/**/*.test.ts',
  'packages/workflow/src/definition.test.ts',
  'test/check.test.ts',
  'test/malformed.test.ts',
  'test/infra/**/*.test.ts',
];
const LEDGER = ['packages/ledger/src/**/*.test.ts'];
const ALL = ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'];

export default defineConfig({
  test: {
    // Guards against hangs, not speed targets (those are benchmarks): generous, so a loaded CI machine
    // (an end-to-end day through the CLI takes 10–60 s under load) never fails a test on time alone.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // vitest's default is one worker less than the cores: on a 2-core machine, one file at a time.
    maxWorkers: availableParallelism(),
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, isolate: false } },
      {
        extends: true,
        test: {
          name: 'ledger',
          include: LEDGER,
          globalSetup: ['packages/ledger/src/testing/dynamodb-local.global.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ALL,
          exclude: [...configDefaults.exclude, ...UNIT, ...LEDGER],
          isolate: false,
        },
      },
    ],
  },
});
