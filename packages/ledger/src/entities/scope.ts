/**
 * The ledger's scopes. `production` holds the books the account trades; `shadow` holds the paper books of
 * shadow mode (docs/shadow.md). Each scope is its own ElectroDB service on the one table, so the service name
 * prefixes every key of every item — primary and both GSIs — and no query of one scope (a book, a run's
 * timeline, every position, a day's NAVs, the FlowState) can ever return an item of the other.
 */

/** The ledger's scopes. */
export const LedgerScopes = ['production', 'shadow'] as const;
export type LedgerScope = (typeof LedgerScopes)[number];

/** The ElectroDB service of production: the prefix of every production key (`$ensemble#…`). */
export const LEDGER_SERVICE = 'ensemble';

/** The ElectroDB service (key prefix) of a scope: `ensemble`, `ensemble-shadow`. */
export const serviceOf = (scope: LedgerScope): string =>
  scope === 'production' ? LEDGER_SERVICE : `${LEDGER_SERVICE}-${scope}`;
