export { type LedgerScope, LedgerScopes } from './entities/scope.ts';
export * from './errors.ts';
export * from './operations/index.ts';
export { allPages } from './pages.ts';
export * from './repository/index.ts';
export {
  createTable,
  type EnsureTableResult,
  ensureTable,
  GSI,
  type LedgerTableSchema,
  TTL_ATTRIBUTE,
  tableSchema,
} from './table.ts';
export type * from './types.ts';
