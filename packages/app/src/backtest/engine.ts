/**
 * The backtest: the live code path over a range of sessions. It composes an {@link AppContext} of in-process
 * adapters — the memory ledger, the broker the caller builds (the SimBroker on a memory store), the bars
 * served by date (market-data.ts), a memory snapshot store and a clock that jumps to each session's run
 * instant — and drives each session through the application's steps in the state machine's order
 * (`runDay`). Nothing about trading is decided here: funding, flips, planning, sizing, execution, the pool
 * and the NAVs are the steps' own.
 *
 * What differs from a live day is how signals are computed: each strategy is evaluated once over the whole
 * range (range mode, signals.ts) and its weights are recorded as the run's Signal before the session runs,
 * so the Evaluate step finds them recorded and returns them — the idempotent path a retry or a redrive
 * takes. A session where range mode gave a strategy no weights records nothing for it: its Evaluate runs and
 * fails or blocks as live — on the day's full-history snapshot when every symbol it reads has a bar (it
 * evaluates, and must fail as a live evaluation fails), else on the lean one (it blocks on the unfit symbol
 * before evaluating, and the snapshot's problems are the same either way).
 *
 * Shadow mode is not part of a backtest: paper books are never part of the account, so `mode: shadow`
 * strategies are left out and live strategies are traded without their `shadow:` paper book (the result
 * names both, {@link BacktestResult.shadowsLeftOut}).
 */
import type { LoadedConfig } from '@ensemble/config';
import {
  type BarSeries,
  type Broker,
  EnsembleError,
  ErrorNames,
  isTradingDay,
  type MarketData,
  nextSession,
  type PerformanceHistory,
  previousSession,
  sessionsBetween,
} from '@ensemble/core';
import { type LedgerRepository, runIdOf } from '@ensemble/ledger';
import { createMemoryLedger } from '@ensemble/ledger/memory';
import { noMetrics, type StepLogger, silentLogger } from '../ports.ts';
import { type DayRun, runDay } from '../run-day.ts';
import { createMemorySnapshotStore } from '../snapshot-store.ts';
import { enabledStrategies, liveStrategies } from '../strategies.ts';
import { createSteps } from '../tasks.ts';
import { createBacktestClock } from './clock.ts';
import { backtestHistory } from './history.ts';
import { createSessionMarketData } from './market-data.ts';
import { type RangeSignals, rangeSignals } from './signals.ts';

/** The backtest's input does not fit the data (dates outside it, an unknown benchmark). */
export class BacktestInputInvalidError extends EnsembleError {
  override readonly name = ErrorNames.BacktestInputInvalid;
}

/** How strategies are traded: as the config says, all on their own books, or all in the pool. */
export type BacktestFlow = 'as-configured' | 'per-book' | 'aggregated';

/** Slippage and fees of the simulated fills, in basis points. */
export interface FillCosts {
  readonly slippageBps?: number;
  readonly feeBps?: number;
}

/** What the caller's broker is built on. */
export interface BrokerPorts {
  /** "Now" (the backtest clock). */
  readonly clock: () => Date;
  /** The bars by date: fill at the session's close from these. */
  readonly marketData: MarketData;
  readonly startingCash: string;
  readonly fillCosts: FillCosts;
}

/** Options of {@link runBacktest}. */
export interface BacktestOptions {
  readonly config: LoadedConfig;
  /** Every bar of the data, by symbol. */
  readonly bars: ReadonlyMap<string, BarSeries>;
  /** First session. @default the first on which every enabled strategy can be evaluated */
  readonly from?: string;
  /** Last session. @default the last session of the data */
  readonly to?: string;
  /** @default 'as-configured' */
  readonly flow?: BacktestFlow;
  /** Slippage and fees of the simulated fills. @default the config's `account.simulatedFills`, else none */
  readonly fillCosts?: FillCosts;
  /** The benchmark's symbol; null for none. @default 'SPY' */
  readonly benchmark?: string | null;
  /** Builds the broker (the SimBroker on a memory store, filling at the close with `fillCosts`). */
  readonly broker: (ports: BrokerPorts) => Broker;
  /** The runs' stage (in run and client order ids). @default 'backtest' */
  readonly stage?: string;
  /** Called after each session. */
  readonly onSession?: (progress: SessionProgress) => void;
  /** Where the steps log. @default silent */
  readonly logger?: StepLogger;
  /**
   * Replay each book's holdings at every close into the history (only the page's allocation charts and
   * `holdings.csv` show them; the metrics and the JSON contract do not need them). @default true
   */
  readonly holdings?: boolean;
}

/** One session done. */
export interface SessionProgress {
  readonly day: string;
  /** 1-based. */
  readonly index: number;
  readonly total: number;
  readonly run: SessionResult;
}

/** How one session's execution ended. */
export interface SessionResult {
  readonly day: string;
  /** The execution's status (FAILED: a run-level step failed, or a branch failed on its second run too). */
  readonly status: DayRun['status'];
  /** The run's status as Finalize left it (null when no Finalize ran). */
  readonly runStatus: string | null;
  /** Each strategy's outcome (its second run's when it had one). */
  readonly outcomes: Readonly<Record<string, string>>;
  readonly error?: DayRun['error'];
}

/** A strategy whose paper book the backtest left out (shadow mode is not part of a backtest). */
export interface ShadowLeftOut {
  readonly id: string;
  /** `shadow`: a `mode: shadow` strategy (left out altogether); `live`: a live strategy's `shadow:` book. */
  readonly mode: 'live' | 'shadow';
}

/** What a backtest produced. */
export interface BacktestResult {
  readonly history: PerformanceHistory;
  /** The paper books of shadow mode the backtest left out. */
  readonly shadowsLeftOut: readonly ShadowLeftOut[];
  readonly sessions: readonly SessionResult[];
  /** The ledger the sessions traded on (every record, as a live day's). */
  readonly ledger: LedgerRepository;
}

/** The trace reference of a signal computed by range mode (no per-day trace is written). */
export const RANGE_TRACE = 'backtest:range-mode';

/** What both flows of a comparison share: the sessions and the signals. */
interface Prepared {
  readonly sessions: readonly string[];
  readonly signals: RangeSignals;
}

/** The data's first and last session (over every enabled live strategy's symbols). */
const dataRange = (options: BacktestOptions): { first: string; last: string } => {
  const symbols = new Set(liveStrategies(options.config).flatMap((s) => s.requirements.symbols));
  const dates = [...symbols].flatMap((s) => {
    const d = options.bars.get(s)?.dates;
    return d && d.length > 0 ? [d[0]!, d.at(-1)!] : [];
  });
  if (dates.length === 0) throw new BacktestInputInvalidError('the market data has no bars of any strategy');
  dates.sort();
  return { first: dates[0]!, last: dates.at(-1)! };
};

/** The sessions and signals of a backtest; throws BacktestInputInvalidError on input the data cannot serve. */
const prepare = (options: BacktestOptions): Prepared => {
  const { first, last } = dataRange(options);
  if (options.from !== undefined && options.from < first)
    throw new BacktestInputInvalidError(
      `--from ${options.from} is before the data's first session (${first})`,
    );
  if (options.to !== undefined && options.to > last)
    throw new BacktestInputInvalidError(`--to ${options.to} is after the data's last session (${last})`);
  if (options.from !== undefined && options.to !== undefined && options.from > options.to)
    throw new BacktestInputInvalidError(`--from ${options.from} is after --to ${options.to}`);
  const benchmark = options.benchmark === undefined ? 'SPY' : options.benchmark;
  if (benchmark !== null && !options.bars.get(benchmark)?.dates.length)
    throw new BacktestInputInvalidError(`unknown benchmark ${benchmark}: the market data has no bars of it`);
  const to = isTradingDay(options.to ?? last) ? (options.to ?? last) : previousSession(options.to ?? last);
  const strategies = liveStrategies(options.config);
  const signals = rangeSignals(strategies, options.bars, {
    to,
    ...(options.from ? { from: options.from } : {}),
  });
  const from = options.from ?? signals.firstEvaluable;
  if (from === null) {
    throw new BacktestInputInvalidError(
      `no session up to ${to} on which every enabled strategy can be evaluated: give --from`,
    );
  }
  const start = isTradingDay(from) ? from : nextSession(from);
  const sessions = start > to ? [] : sessionsBetween(start, to).map((s) => s.date);
  if (sessions.length === 0) throw new BacktestInputInvalidError(`no session between ${from} and ${to}`);
  return { sessions, signals };
};

/** The paper books shadow mode would add to `config` (see the module comment). */
export const shadowsLeftOut = (config: LoadedConfig): ShadowLeftOut[] =>
  enabledStrategies(config).flatMap((s): ShadowLeftOut[] =>
    s.mode === 'shadow'
      ? [{ id: s.id, mode: 'shadow' }]
      : s.shadow === undefined
        ? []
        : [{ id: s.id, mode: 'live' }],
  );

/**
 * The config a backtest trades: its enabled live strategies only (each in `flow` unless as configured),
 * without their paper books.
 */
const tradedConfig = (config: LoadedConfig, flow: BacktestFlow): LoadedConfig => ({
  ...config,
  strategies: liveStrategies(config).map(({ shadow: _paper, ...s }) =>
    flow === 'as-configured' ? s : { ...s, flow },
  ),
});

/** The fill convention, in words (the report says it). */
export const fillsText = (costs: FillCosts = {}): string => {
  const slip = costs.slippageBps ?? 0;
  const fee = costs.feeBps ?? 0;
  const extra = [
    ...(slip > 0 ? [`${slip} bps slippage against the trader`] : []),
    ...(fee > 0 ? [`fees of ${fee} bps of notional`] : []),
  ];
  return `at each session's close (Composer's backtest convention), by the simulated broker${
    extra.length > 0 ? `, with ${extra.join(' and ')}` : ', without slippage or fees'
  }`;
};

/** One flow's backtest over prepared sessions and signals. */
const runFlow = async (
  options: BacktestOptions,
  prepared: Prepared,
  flow: BacktestFlow,
): Promise<BacktestResult> => {
  const config = tradedConfig(options.config, flow);
  const strategies = enabledStrategies(config);
  const stage = options.stage ?? 'backtest';
  const fillCosts = options.fillCosts ?? config.account.simulatedFills ?? {};
  const { sessions, signals } = prepared;
  const clock = createBacktestClock(sessions[0]!);
  const ledger = createMemoryLedger({ clock: () => clock.now() });
  const fullHistory = new Set<string>();
  const marketData = createSessionMarketData(options.bars, { fullHistoryOn: (d) => fullHistory.has(d) });
  const broker = options.broker({
    clock: () => clock.now(),
    marketData,
    startingCash: config.account.startingCash,
    fillCosts,
  });
  // A session reads only its own snapshot: the store keeps the last two written, not every day's.
  const snapshots = createMemorySnapshotStore({ keep: 2 });
  const steps = createSteps({
    ports: { ledger, broker, marketData, snapshots, clock },
    config,
    stage,
    observe: { logger: options.logger ?? silentLogger, metrics: noMetrics },
  });
  const results: SessionResult[] = [];
  for (const [i, day] of sessions.entries()) {
    clock.setDay(day);
    const runId = runIdOf(day, stage);
    for (const s of strategies) {
      const weights = signals.weights.get(s.id)?.get(day);
      if (weights === undefined) {
        // Evaluate runs: on the day's whole history where it evaluates (a symbol unfit blocks it first).
        if (signals.evaluatedLive.get(s.id)?.has(day) !== false) fullHistory.add(day);
        continue;
      }
      await ledger.recordSignal({ runId, tradingDay: day, strategyId: s.id, weights, traceRef: RANGE_TRACE });
    }
    const run = await runDay(steps, day, { sleep: (ms) => clock.sleep(ms) });
    const result = sessionResult(day, run);
    results.push(result);
    options.onSession?.({ day, index: i + 1, total: sessions.length, run: result });
  }
  const history = await backtestHistory(
    ledger,
    {
      config,
      flow,
      fills: fillsText(fillCosts),
      marketData,
      benchmark: options.benchmark === undefined ? 'SPY' : options.benchmark,
      ...(options.holdings === false ? { holdings: false } : {}),
    },
    sessions,
  );
  return { history, shadowsLeftOut: shadowsLeftOut(options.config), sessions: results, ledger };
};

/** A session's result from its day run. */
const sessionResult = (day: string, run: DayRun): SessionResult => {
  const retried = new Map((run.retried ?? []).map((b) => [b.strategyId, b.outcome]));
  const poolOutcome = run.pool?.error ? 'FAILED' : run.pool?.outcome;
  const outcomes = Object.fromEntries(
    run.branches.map((b) => [
      b.strategyId,
      retried.get(b.strategyId) ?? (b.outcome === 'SKIPPED' && poolOutcome ? poolOutcome : b.outcome),
    ]),
  );
  const finalize = run.finalizeRetried ?? run.finalize;
  return {
    day,
    status: run.status,
    runStatus: finalize?.status ?? null,
    outcomes,
    ...(run.error ? { error: run.error } : {}),
  };
};

/** Backtests the configuration over the range in one flow (see the module comment). */
export const runBacktest = async (options: BacktestOptions): Promise<BacktestResult> =>
  runFlow(options, prepare(options), options.flow ?? 'as-configured');

/** Backtests the configuration over the range twice: every strategy per-book, then every one aggregated. */
export const compareFlows = async (
  options: BacktestOptions,
): Promise<{ readonly 'per-book': BacktestResult; readonly aggregated: BacktestResult }> => {
  const prepared = prepare(options);
  return {
    'per-book': await runFlow(options, prepared, 'per-book'),
    aggregated: await runFlow(options, prepared, 'aggregated'),
  };
};
