/**
 * The ledger's one DynamoDB table, from the ledger's schema; deletion-protected on production stages. Named
 * `ensemble-<stage>-ledger` (not SST's random suffix), so `ensemble cloud kill-switch` finds a stage's table
 * from the stage alone.
 */
// Relative import: the names `ensemble cloud` uses too, from a file without imports.
import { ledgerTableNameOf } from './resource-names.ts';
import { settings } from './settings.ts';
import { dynamoArgsOf, indexNamesOf } from './table-args.ts';

const args = dynamoArgsOf();

/** GSI names, for `Query` grants. */
export const tableIndexes = indexNamesOf(args);

// sst.aws.Dynamo bills on demand and always enables point-in-time recovery.
export const table = new sst.aws.Dynamo('Ledger', {
  ...args,
  deletionProtection: settings.production,
  transform: { table: { name: ledgerTableNameOf($app.stage) } },
});
