/**
 * Typed errors with stable names. The `name` of an error is part of the contract: Step Functions
 * `Retry`/`Catch` match on it, the CLI prints it, the ledger stores it. Every name lives in
 * {@link ErrorNames}; every error is either retryable or terminal.
 */

/** Every error name Ensemble throws, as one catalog. */
export const ErrorNames = {
  StrategySyntax: 'StrategySyntaxError',
  StrategySemantic: 'StrategySemanticError',
  InsufficientData: 'InsufficientDataError',
  MissingData: 'MissingDataError',
  EvaluationFailed: 'EvaluationError',
  ConfigInvalid: 'ConfigInvalidError',
  MarketDataInvalid: 'MarketDataInvalidError',
  PriceInvalid: 'PriceInvalidError',
  BookInvariant: 'BookInvariantError',
  AllocationInvalid: 'AllocationInvalidError',
  PlanInputInvalid: 'PlanInputInvalidError',
  // Broker (packages/core/src/broker/errors.ts). The first three are retried by the workflow.
  BrokerUnavailable: 'BrokerUnavailable',
  RateLimited: 'RateLimited',
  SymbolBusy: 'SymbolBusy',
  DuplicateClientOrderId: 'DuplicateClientOrderId',
  InsufficientBuyingPower: 'InsufficientBuyingPower',
  MarketClosed: 'MarketClosed',
  OrderRejected: 'OrderRejected',
  // Ledger (packages/ledger/src/errors.ts). Persistence and contention are retryable.
  LedgerPersistence: 'LedgerPersistenceError',
  LedgerContention: 'LedgerContentionError',
  LedgerInvariant: 'LedgerInvariantError',
  LedgerNotFound: 'LedgerNotFoundError',
  LedgerInputInvalid: 'LedgerInputInvalidError',
} as const;

export type ErrorName = (typeof ErrorNames)[keyof typeof ErrorNames];

/** Names of errors a retry may cure. Everything else is terminal. */
export const RetryableErrorNames: readonly ErrorName[] = [
  ErrorNames.BrokerUnavailable,
  ErrorNames.RateLimited,
  ErrorNames.SymbolBusy,
  ErrorNames.LedgerPersistence,
  ErrorNames.LedgerContention,
];

/** Base class: every error Ensemble raises on purpose extends it. */
export abstract class EnsembleError extends Error {
  abstract override readonly name: ErrorName;
  abstract readonly retryable: boolean;
}

/** A position in a source file (1-based line and column). */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export const formatPos = (pos: SourcePos): string => `${pos.file}:${pos.line}:${pos.col}`;

/** The text of a strategy file cannot be read as forms (brackets, strings, numbers...). */
export class StrategySyntaxError extends EnsembleError {
  override readonly name = ErrorNames.StrategySyntax;
  readonly retryable = false;
  constructor(
    readonly pos: SourcePos,
    readonly detail: string,
  ) {
    super(`${formatPos(pos)}: ${detail}`);
  }
}

/** The forms are well formed but do not make a valid strategy (unknown operator, arity, window...). */
export class StrategySemanticError extends EnsembleError {
  override readonly name = ErrorNames.StrategySemantic;
  readonly retryable = false;
  constructor(
    readonly pos: SourcePos,
    readonly detail: string,
  ) {
    super(`${formatPos(pos)}: ${detail}`);
  }
}

/** An indicator needs more bars than the data holds up to the as-of date. */
export class InsufficientDataError extends EnsembleError {
  override readonly name = ErrorNames.InsufficientData;
  readonly retryable = false;
  constructor(
    readonly symbol: string,
    readonly indicator: string,
    readonly needed: number,
    readonly available: number,
    readonly asOf: string,
  ) {
    super(`${indicator} of ${symbol} as of ${asOf} needs ${needed} bars, ${available} available`);
  }
}

/** A symbol has no bar at all on (or before) the as-of date, or no data at all. */
export class MissingDataError extends EnsembleError {
  override readonly name = ErrorNames.MissingData;
  readonly retryable = false;
  constructor(
    readonly symbol: string,
    readonly asOf: string,
    detail: string,
  ) {
    super(`${symbol}: ${detail} (as of ${asOf})`);
  }
}

/** Evaluation could not produce weights for a reason other than data (e.g. an empty allocation). */
export class EvaluationError extends EnsembleError {
  override readonly name = ErrorNames.EvaluationFailed;
  readonly retryable = false;
  constructor(
    message: string,
    readonly pos?: SourcePos,
  ) {
    super(pos ? `${formatPos(pos)}: ${message}` : message);
  }
}

/** A configuration file or value is invalid. Raised before anything runs. */
export class ConfigInvalidError extends EnsembleError {
  override readonly name = ErrorNames.ConfigInvalid;
  readonly retryable = false;
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length > 0 ? `${message}\n  - ${issues.join('\n  - ')}` : message);
  }
}

/** Market data is malformed (bad CSV row, unsorted dates, non-positive price...). */
export class MarketDataInvalidError extends EnsembleError {
  override readonly name = ErrorNames.MarketDataInvalid;
  readonly retryable = false;
  constructor(
    message: string,
    readonly symbol?: string,
  ) {
    super(message);
  }
}

/** True if `e` is an Ensemble error (checked by name as well as by class, across realms). */
export const isEnsembleError = (e: unknown): e is EnsembleError =>
  e instanceof EnsembleError ||
  (e instanceof Error && (Object.values(ErrorNames) as string[]).includes(e.name));
