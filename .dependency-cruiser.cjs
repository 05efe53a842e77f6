/**
 * The layers of the house, enforced (`npm run lint` runs `depcruise`). Each package may import only the
 * packages below it; test scaffolding lives behind `./testing` subpaths and is imported by tests only;
 * `core` stays pure. docs/architecture.md draws the same picture.
 */

/** What each package's production code may import (besides itself and npm packages). */
const ALLOWED = {
  core: [],
  config: ['core'],
  'market-data': ['core'],
  ledger: ['core'],
  broker: ['core'],
  execution: ['core', 'ledger'],
  alpaca: ['core', 'broker', 'market-data'],
  workflow: ['core'],
  report: ['core'],
  // broker: the SimBroker, which fills shadow mode's paper orders (docs/shadow.md); never a trading port.
  app: ['core', 'config', 'execution', 'ledger', 'broker', 'workflow', 'report'],
  functions: ['core', 'config', 'ledger', 'broker', 'market-data', 'alpaca', 'workflow', 'app', 'report'],
  cli: [
    'core',
    'config',
    'ledger',
    'broker',
    'market-data',
    'alpaca',
    'execution',
    'workflow',
    'app',
    'report',
  ],
  // (and @ensemble/stacks/resource-names: see `stacks-own-resource-names`)
};

/** Tests, test scaffolding and benchmarks: they may import any layer and each other. */
const TESTS = '(\\.test\\.ts$|/testing/|/bench/|^test/)';

const layerRules = Object.entries(ALLOWED).map(([pkg, allowed]) => ({
  name: `layer-${pkg}`,
  comment: `${pkg} may import only ${allowed.length ? allowed.join(', ') : 'npm packages'} (docs/architecture.md)`,
  severity: 'error',
  from: { path: `^packages/${pkg}/(src|bin)/`, pathNot: TESTS },
  to: { path: '^packages/([^/]+)/', pathNot: [`^packages/(${[pkg, ...allowed].join('|')})/`] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'core-is-pure',
      comment: 'core computes: no AWS SDK, no network, no file system, no clock-reading library',
      severity: 'error',
      from: { path: '^packages/core/src/', pathNot: TESTS },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'],
        pathNot: ['node_modules/(zod|decimal\\.js)/'],
      },
    },
    {
      name: 'testing-only-in-tests',
      comment:
        'test scaffolding (`./testing` subpaths, test/) is imported by tests and other scaffolding only',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: 'stacks-own-resource-names',
      comment:
        'packages reach the stacks only for the resource names they own (@ensemble/stacks/resource-names)',
      severity: 'error',
      from: { path: '^packages/', pathNot: TESTS },
      to: { path: '^stacks/', pathNot: '^stacks/resource-names\\.ts$' },
    },
    {
      name: 'lambda-package-is-a-leaf',
      comment: "nothing imports the Lambda handlers' package: the steps live in @ensemble/app",
      severity: 'error',
      from: { pathNot: '^(packages/functions/|test/)' },
      to: { path: '^packages/functions/' },
    },
    {
      name: 'stacks-import-data-only',
      comment: 'the stacks import the definition, the contract, the table schema and their own modules only',
      severity: 'error',
      from: { path: '^(stacks/|sst\\.config\\.ts)' },
      to: {
        path: '^packages/',
        pathNot: [
          '^packages/workflow/src/(definition|contract|task-chain|branch-states|pool-states|second-run|state-names|payload-refs|policy|asl|errors)\\.ts$',
          '^packages/ledger/src/table\\.ts$',
          '^packages/core/src/',
        ],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.sst|\\.ensemble)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
      extensions: ['.ts', '.mjs', '.js'],
    },
  },
};
