/** The stack's table is the ledger's: keys, GSIs, projections, billing and TTL come from `tableSchema`. */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { TTL_ATTRIBUTE, tableSchema } from '../../packages/ledger/src/table.ts';
import { type DynamoTableArgs, dynamoArgsOf, indexNamesOf } from '../../stacks/table-args.ts';

/** What `sst.aws.Dynamo` creates from its arguments (its mapping, in CreateTable terms). */
const asCreateTable = (a: DynamoTableArgs, name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: Object.entries(a.fields).map(([n, t]) => ({
    AttributeName: n,
    AttributeType: t === 'string' ? 'S' : t === 'number' ? 'N' : 'B',
  })),
  KeySchema: [
    { AttributeName: a.primaryIndex.hashKey, KeyType: 'HASH' },
    { AttributeName: a.primaryIndex.rangeKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: Object.entries(a.globalIndexes).map(([n, g]) => ({
    IndexName: n,
    KeySchema: [
      { AttributeName: g.hashKey, KeyType: 'HASH' },
      { AttributeName: g.rangeKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: g.projection === 'all' ? 'ALL' : 'KEYS_ONLY' },
  })),
});

describe('stack table schema', () => {
  it('creates the same table as the ledger', () => {
    const schema = tableSchema('t');
    expect(asCreateTable(dynamoArgsOf(schema), 't')).toEqual(schema.createTableInput);
  });

  it('uses the ledger TTL attribute and GSI names', () => {
    const args = dynamoArgsOf();
    expect(args.ttl).toBe(TTL_ATTRIBUTE);
    expect(indexNamesOf(args)).toEqual(tableSchema('t').globalSecondaryIndexes.map((g) => g.name));
  });

  it('refuses a schema it cannot map rather than deploying a different table', () => {
    const schema = tableSchema('t');
    const provisioned = {
      ...schema,
      createTableInput: { ...schema.createTableInput, BillingMode: 'PROVISIONED' as const },
    };
    expect(() => dynamoArgsOf(provisioned)).toThrow(/on demand/);
  });
});
