/// <reference path="./.sst/platform/config.d.ts" />
/**
 * Ensemble on AWS (SST v3): the ledger table, the artifacts bucket, one Lambda per workflow task, the state
 * machine, the daily schedule, secrets and alarms — all in `stacks/`. No top-level imports here: SST
 * evaluates `app()` statically; `run()` imports the stacks. `prod` keeps its resources on `sst remove`
 * (and is protected from it); keep this list in step with `production: true` in stacks/stages.ts (a test
 * checks it).
 */
export default $config({
  app(input) {
    const production = ['prod'].includes(input?.stage ?? '');
    return {
      name: 'ensemble',
      home: 'aws',
      removal: production ? 'retain' : 'remove',
      protect: production,
    };
  },
  async run() {
    const infra = await import('./stacks/index.ts');
    return infra.outputs;
  },
});
