/** The ledger's one DynamoDB table, from the ledger's schema; deletion-protected on production stages. */
import { settings } from './settings.ts';
import { dynamoArgsOf, indexNamesOf } from './table-args.ts';

const args = dynamoArgsOf();

/** GSI names, for `Query` grants. */
export const tableIndexes = indexNamesOf(args);

// sst.aws.Dynamo bills on demand and always enables point-in-time recovery.
export const table = new sst.aws.Dynamo('Ledger', { ...args, deletionProtection: settings.production });
