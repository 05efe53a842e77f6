/**
 * The ledger's local pieces (the `./local` subpath): the embedded DynamoDB-compatible database (dynalite,
 * in memory or on LevelDB, optionally on a worker thread) and a client for a loopback endpoint. Local runs
 * and tests only: no Lambda imports this (test/infra/bundles.test.ts).
 */
export {
  createLocalDynamoClient,
  defaultEmbeddedDbPath,
  type EmbeddedDynamo,
  type EmbeddedDynamoOptions,
  startEmbeddedDynamo,
} from './embedded.ts';
