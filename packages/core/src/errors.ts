/**
 * The one error model. Every error Ensemble raises on purpose extends {@link EnsembleError}; its `name` is
 * a stable string from the one {@link ErrorCatalog}, which also says, per name, whether a retry may cure it
 * (`retryable`: the ASL `Retry` lists exactly these names) and whether it means "the inputs are not fit to
 * trade on" rather than "something broke" (`blocking`: a branch ending with it is BLOCKED, else FAILED).
 * Classes live beside the code that throws them (ledger, execution, steps...), names and traits live here,
 * so the state machine, the steps and the CLI classify an error the same way, by its name, across realms
 * and across the Lambda boundary (where only `name` survives).
 */

/** What the catalog says of one error name. */
export interface ErrorTraits {
  /** The stable name (`Error.name`, Step Functions' `ErrorEquals`, the ledger's stored error name). */
  readonly name: string;
  /** A retry may cure it: the workflow retries it (with backoff), nothing else is retried. */
  readonly retryable: boolean;
  /** The inputs are unfit to trade on (data, price, market, a rail): the branch is BLOCKED, not FAILED. */
  readonly blocking: boolean;
}

const terminal = <N extends string>(name: N) => ({ name, retryable: false, blocking: false }) as const;
const retryable = <N extends string>(name: N) => ({ name, retryable: true, blocking: false }) as const;
const blocking = <N extends string>(name: N) => ({ name, retryable: false, blocking: true }) as const;

/** Every error Ensemble raises, by key: its name and traits. The one catalog. */
export const ErrorCatalog = {
  // Strategy language and evaluation (core).
  StrategySyntax: terminal('StrategySyntaxError'),
  StrategySemantic: terminal('StrategySemanticError'),
  EvaluationFailed: terminal('EvaluationError'),
  InsufficientData: blocking('InsufficientDataError'),
  MissingData: blocking('MissingDataError'),
  MarketDataInvalid: blocking('MarketDataInvalidError'),
  // Configuration and input (core, config, execution, steps).
  ConfigInvalid: terminal('ConfigInvalidError'),
  PlanInputInvalid: terminal('PlanInputInvalidError'),
  ExecutionInputInvalid: terminal('ExecutionInputInvalidError'),
  TaskInputInvalid: terminal('TaskInputInvalidError'),
  TaskOutputInvalid: terminal('TaskOutputInvalidError'),
  EnvInvalid: terminal('EnvInvalidError'),
  // Book math (core).
  PriceInvalid: blocking('PriceInvalidError'),
  PriceSuspect: blocking('PriceSuspectError'),
  BookInvariant: terminal('BookInvariantError'),
  AllocationInvalid: terminal('AllocationInvalidError'),
  // Broker (core's port; the SimBroker and Alpaca adapters raise these).
  BrokerUnavailable: retryable('BrokerUnavailable'),
  RateLimited: retryable('RateLimited'),
  SymbolBusy: retryable('SymbolBusy'),
  DuplicateClientOrderId: terminal('DuplicateClientOrderId'),
  InsufficientBuyingPower: terminal('InsufficientBuyingPower'),
  MarketClosed: blocking('MarketClosed'),
  OrderRejected: terminal('OrderRejected'),
  // Ledger.
  LedgerPersistence: retryable('LedgerPersistenceError'),
  LedgerContention: retryable('LedgerContentionError'),
  LedgerInvariant: terminal('LedgerInvariantError'),
  LedgerNotFound: terminal('LedgerNotFoundError'),
  LedgerInputInvalid: terminal('LedgerInputInvalidError'),
  // Execution. The last two are not thrown: they name how a book's execution ended when it did not trade
  // as planned (a rail stopped it; no order filled), in the strategy-run record.
  ExecutionInvariant: terminal('ExecutionInvariantError'),
  RailTripped: blocking('RailTripped'),
  NoFill: terminal('NoFillError'),
  // Workflow steps.
  SnapshotNotFound: blocking('SnapshotNotFoundError'),
  UnknownStrategy: terminal('UnknownStrategyError'),
  StepOrder: terminal('StepOrderError'),
  RunNotActive: terminal('RunNotActiveError'),
  RecordConflict: terminal('RecordConflictError'),
  ShadowUnavailable: terminal('ShadowUnavailableError'),
  // Backtest: its input (dates, benchmark) does not fit the data; its books do not add up.
  BacktestInputInvalid: terminal('BacktestInputInvalidError'),
  BacktestInvariant: terminal('BacktestInvariantError'),
  // Workflow package (runner options, redrive).
  WorkflowConfigInvalid: terminal('WorkflowConfigInvalidError'),
  ExecutionNotRedrivable: terminal('ExecutionNotRedrivableError'),
  // Command line.
  Usage: terminal('UsageError'),
  Cloud: terminal('CloudError'),
  NoHistory: terminal('NoHistoryError'),
  HomeInUse: terminal('HomeInUseError'),
  HomeDamaged: terminal('HomeDamagedError'),
  // A crash injected on purpose (`--fault`, crash-schedule tests): stands for the process dying there.
  SimulatedCrash: terminal('SimulatedCrash'),
} as const satisfies Record<string, ErrorTraits>;

type Catalog = typeof ErrorCatalog;
/** A key of the catalog (`MissingData`). */
export type ErrorKey = keyof Catalog;
/** A stable error name (`MissingDataError`). */
export type ErrorName = Catalog[ErrorKey]['name'];

const KEYS = Object.keys(ErrorCatalog) as ErrorKey[];

/** Every error name, by key (`ErrorNames.MissingData === 'MissingDataError'`). */
export const ErrorNames: { readonly [K in ErrorKey]: Catalog[K]['name'] } = Object.fromEntries(
  KEYS.map((k) => [k, ErrorCatalog[k].name]),
) as { readonly [K in ErrorKey]: Catalog[K]['name'] };

const BY_NAME: ReadonlyMap<string, ErrorTraits> = new Map(
  KEYS.map((k) => [ErrorCatalog[k].name, ErrorCatalog[k]]),
);

/** The catalog's traits of `name`, or undefined for a name that is not Ensemble's (`TypeError`, `States.Timeout`). */
export const errorTraits = (name: string): ErrorTraits | undefined => BY_NAME.get(name);

/** Every name the catalog marks retryable: what the workflow's domain `Retry` lists. */
export const RetryableErrorNames: readonly ErrorName[] = KEYS.filter((k) => ErrorCatalog[k].retryable).map(
  (k) => ErrorCatalog[k].name,
);

/**
 * The outcome of a branch that ended with the error named `name`: BLOCKED when the catalog marks it
 * blocking, FAILED otherwise (including any name the catalog does not know).
 */
export const outcomeOfError = (name: string): 'FAILED' | 'BLOCKED' =>
  errorTraits(name)?.blocking === true ? 'BLOCKED' : 'FAILED';

/** Base class: every error Ensemble raises on purpose extends it. Traits come from the catalog, by name. */
export abstract class EnsembleError extends Error {
  abstract override readonly name: ErrorName;
  /** A retry may cure it (the workflow retries it). */
  get retryable(): boolean {
    return errorTraits(this.name)?.retryable === true;
  }
  /** The inputs are unfit to trade on: a branch ending with it is BLOCKED, not FAILED. */
  get blocking(): boolean {
    return errorTraits(this.name)?.blocking === true;
  }
}

/** A message followed by its issues, one per line (`message\n  - issue\n  - issue`); the message alone if none. */
export const withIssues = (message: string, issues: readonly string[]): string =>
  issues.length > 0 ? `${message}\n  - ${issues.join('\n  - ')}` : message;

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
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(withIssues(message, issues));
  }
}

/** Market data is malformed (bad CSV row, unsorted dates, non-positive price...). */
export class MarketDataInvalidError extends EnsembleError {
  override readonly name = ErrorNames.MarketDataInvalid;
  constructor(
    message: string,
    readonly symbol?: string,
  ) {
    super(message);
  }
}

/**
 * A price that is there but not believable (a move far beyond the symbol's recent range, a close outside
 * the day's high–low, a close near zero): the strategies reading the symbol are BLOCKED.
 */
export class PriceSuspectError extends EnsembleError {
  override readonly name = ErrorNames.PriceSuspect;
  constructor(
    readonly symbol: string,
    readonly asOf: string,
    detail: string,
  ) {
    super(`${symbol}: ${detail} (as of ${asOf})`);
  }
}

/** True if `e` is an Ensemble error (checked by name as well as by class, across realms). */
export const isEnsembleError = (e: unknown): e is EnsembleError =>
  e instanceof EnsembleError || (e instanceof Error && BY_NAME.has(e.name));

/** `{ name, message }` of anything thrown, for the ledger, logs and step outputs. */
export const describeError = (e: unknown): { name: string; message: string } => {
  if (e instanceof Error) return { name: e.name || 'Error', message: e.message };
  return { name: 'Error', message: String(e) };
};

/** A crash injected on purpose at a named point: stands for the process dying there (never retried). */
export class SimulatedCrash extends EnsembleError {
  override readonly name = ErrorNames.SimulatedCrash;
  constructor(
    readonly point: string,
    readonly context: { readonly clientOrderId?: string } = {},
  ) {
    const id = context.clientOrderId;
    super(`simulated crash at ${point}${id === undefined ? '' : ` (${id})`}`);
  }
}

/** True if `e` is a {@link SimulatedCrash} (by name as well, across realms). */
export const isSimulatedCrash = (e: unknown): e is SimulatedCrash =>
  e instanceof SimulatedCrash || (e instanceof Error && e.name === ErrorNames.SimulatedCrash);
