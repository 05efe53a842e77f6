/**
 * The physical names of a stage's resources, owned by the stacks (`table.ts`, `workflow.ts`) and shared
 * with the operator's `ensemble cloud` (the `@ensemble/stacks/resource-names` export). No imports: SST
 * bundles this file with the stacks.
 */

/** The SST app name (`name` in sst.config.ts; test/infra checks they agree). */
export const APP_NAME = 'ensemble';

/** The state machine of a stage: `ensemble-<stage>`. */
export const stateMachineNameOf = (stage: string): string => `${APP_NAME}-${stage}`;

/** The ledger's DynamoDB table of a stage: `ensemble-<stage>-ledger`. */
export const ledgerTableNameOf = (stage: string): string => `${APP_NAME}-${stage}-ledger`;
