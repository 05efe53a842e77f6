/**
 * The ledger table's `sst.aws.Dynamo` arguments, derived from the ledger's own `tableSchema` (keys, GSIs,
 * projection, TTL attribute) so the deployed table cannot drift from the local one. Pure: test/infra maps
 * these arguments back to a `CreateTable` request and compares it with the ledger's.
 */
// Relative import of the one module: the ledger's index also loads dynalite (the embedded server).
import { type LedgerTableSchema, tableSchema } from '../packages/ledger/src/table.ts';

/** The subset of `sst.aws.Dynamo`'s arguments the schema determines. */
export interface DynamoTableArgs {
  fields: Record<string, 'string' | 'number' | 'binary'>;
  primaryIndex: { hashKey: string; rangeKey: string };
  globalIndexes: Record<string, { hashKey: string; rangeKey: string; projection: 'all' }>;
  ttl: string;
}

const FIELD_TYPE = { S: 'string', N: 'number', B: 'binary' } as const;

/** Map the ledger schema onto `sst.aws.Dynamo` (which always bills on demand and enables PITR). */
export const dynamoArgsOf = (schema: LedgerTableSchema = tableSchema('ledger')): DynamoTableArgs => {
  const input = schema.createTableInput;
  if (input.BillingMode !== 'PAY_PER_REQUEST') throw new Error('sst.aws.Dynamo only bills on demand');
  const fields: DynamoTableArgs['fields'] = {};
  for (const a of input.AttributeDefinitions ?? []) {
    fields[a.AttributeName as string] = FIELD_TYPE[a.AttributeType as keyof typeof FIELD_TYPE];
  }
  const globalIndexes: DynamoTableArgs['globalIndexes'] = {};
  for (const g of input.GlobalSecondaryIndexes ?? []) {
    if (g.Projection?.ProjectionType !== 'ALL')
      throw new Error(`GSI ${g.IndexName}: only ALL projection is mapped`);
    globalIndexes[g.IndexName as string] = {
      hashKey: g.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName as string,
      rangeKey: g.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName as string,
      projection: 'all',
    };
  }
  return {
    fields,
    primaryIndex: { hashKey: schema.partitionKey, rangeKey: schema.sortKey },
    globalIndexes,
    ttl: schema.ttlAttribute,
  };
};

/** The GSI names (for IAM `Query` grants). */
export const indexNamesOf = (args: DynamoTableArgs): string[] => Object.keys(args.globalIndexes);
