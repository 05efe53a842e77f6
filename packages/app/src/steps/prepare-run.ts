/**
 * PrepareRun: everything that happens once per trading day before any strategy runs.
 *  1. The trading day: the input's, or today in New York by the broker's clock.
 *  2. The market calendar (the broker's): a closed day ends the execution with `SKIP` (no Run is created).
 *  3. The Run of (day, stage) is idempotent: a finished one → `SKIP` ('already ran'); a RUNNING one (a retry,
 *     or a second start) continues with the snapshot and flows it recorded.
 *  4. Otherwise: the market-data snapshot (bars once per symbol for every strategy and every held symbol),
 *     flag flips for strategies whose configured flow differs from the ledger's, initial funding of
 *     strategies the ledger does not know, then the Run, recording each strategy's flow (`Run.flows`).
 *  5. Small Map items: one `{strategyId, flow}` per enabled strategy, with the flow the Run recorded. A
 *     strategy the Run has no flow for (enabled after the Run started, or a Run recorded before runs stored
 *     flows) trades with its configured flow, with a warning: step 4 flipped every enabled strategy to its
 *     configured flow before creating the Run, so the two differ only if the configuration changed mid-run.
 * Every write is idempotent (ledger transfer plans, create-once Run), so a re-run completes, never repeats.
 */
import { newYorkDate } from '@ensemble/core';
import { compareEquity } from '@ensemble/execution';
import {
  allPages,
  type BookLedger,
  type CapitalLedger,
  type FlipLedger,
  type FlowState,
  flipFlow,
  fundBooks,
  type Run,
  type RunLedger,
  runIdOf,
} from '@ensemble/ledger';
import type { BranchItem, PrepareRunInput, PrepareRunOutput } from '@ensemble/workflow/contract';
import { buildMarketSnapshot, storeMarketSnapshot } from '../market-snapshot.ts';
import type { StepDeps } from '../step-deps.ts';
import { enabledStrategies } from '../strategies.ts';
import { task } from '../task.ts';

/** The ledger roles PrepareRun uses. */
type Ledger = RunLedger & BookLedger & FlipLedger & CapitalLedger;

export const prepareRun = async (
  deps: StepDeps<Ledger>,
  input: PrepareRunInput,
): Promise<PrepareRunOutput> => {
  const { broker, ledger } = deps.ports;
  const { logger } = deps.observe;
  const stage = input.input.stage ?? deps.stage;
  const tradingDay = input.input.tradingDay ?? newYorkDate(new Date((await broker.getClock()).timestamp));
  const runId = runIdOf(tradingDay, stage);
  const skip = (reason: string): PrepareRunOutput => {
    logger.info('run skipped', { reason });
    return { runId, tradingDay, stage, action: 'SKIP', reason, snapshotRef: '', items: [], hasPool: false };
  };

  const sessions = await broker.getCalendar({ from: tradingDay, to: tradingDay });
  if (!sessions.some((s) => s.date === tradingDay)) return skip(`market closed on ${tradingDay}`);

  const existing = await ledger.getRun(runId);
  if (existing && existing.status !== 'RUNNING') return skip(`already ran (${existing.status})`);
  const run = existing ?? (await startRun(deps, runId, tradingDay, stage));
  return { runId, tradingDay, stage, action: 'TRADE', snapshotRef: run.dataSnapshot, ...itemsOf(deps, run) };
};

/** Steps 4 of the module comment; returns the Run (created now, or by a concurrent start). */
const startRun = async (
  deps: StepDeps<Ledger>,
  runId: string,
  tradingDay: string,
  stage: string,
): Promise<Run> => {
  const { broker, ledger, marketData, snapshots } = deps.ports;
  const { config } = deps;
  const { logger } = deps.observe;
  const strategies = enabledStrategies(config);
  const held = await allHeldSymbols(deps);
  const snapshot = await buildMarketSnapshot(
    marketData,
    [...strategies.flatMap((s) => s.requirements.symbols), ...held],
    tradingDay,
  );
  const problems = Object.keys(snapshot.problems);
  if (problems.length > 0) logger.warn('symbols unfit to trade on', { problems: snapshot.problems });
  const snapshotRef = await storeMarketSnapshot(snapshots, snapshot);
  const read = await deps.readSnapshot(snapshotRef);

  let state: FlowState = await ledger.getFlowState();
  for (const s of strategies) {
    const known = state.flows[s.id];
    if (known === undefined || known === s.flow) continue;
    const symbols = [...held];
    const facts = symbols.length > 0 ? await broker.getAssets(symbols) : new Map();
    const r = await flipFlow(ledger, {
      strategyId: s.id,
      from: known,
      to: s.flow,
      day: tradingDay,
      prices: read.prices,
      nonFractionable: symbols.filter((x) => facts.get(x)?.fractionable === false),
      runId,
    });
    logger.info('flow flipped', { strategyId: s.id, from: known, to: s.flow, status: r.status });
    state = r.state;
  }
  const account = await broker.getAccount();
  const funded = await fundBooks(ledger, {
    policy: deps.settings.capitalPolicy(),
    strategies: strategies.map((s) => ({ id: s.id, flow: s.flow })),
    accountEquity: account.equity,
    accountCash: account.cash,
    day: tradingDay,
    prices: read.prices,
    runId,
  });
  if (funded.status === 'funded') logger.info('books funded', { planId: funded.plan?.planId });
  state = funded.state;

  // The equity breaker's comparison, made once for the run (each Execute reads it from the Run record).
  const lookback = deps.settings.rails().equityLookbackDays;
  const equity = await compareEquity(ledger, broker, tradingDay, lookback);
  const created = await ledger.createRun({
    tradingDay,
    stage,
    asOf: tradingDay,
    dataSnapshot: snapshotRef,
    flows: state.flows,
    equity,
  });
  // `conflict`: another start created the run first with other data; that run is the truth.
  return created.status === 'conflict' ? created.current : created.item;
};

const itemsOf = (deps: StepDeps<Ledger>, run: Run): { items: BranchItem[]; hasPool: boolean } => {
  const items = enabledStrategies(deps.config).map((s): BranchItem => {
    const flow = run.flows[s.id];
    if (flow !== undefined) return { strategyId: s.id, flow };
    deps.observe.logger.warn('strategy has no flow in the run: trading it with its configured flow', {
      runId: run.runId,
      strategyId: s.id,
      flow: s.flow,
    });
    return { strategyId: s.id, flow: s.flow };
  });
  return { items, hasPool: items.some((i) => i.flow === 'aggregated') };
};

/** Every symbol any book holds (so the snapshot prices them: planning and NAV fail closed without). */
const allHeldSymbols = async (deps: StepDeps<Ledger>): Promise<string[]> => {
  const positions = await allPages((o) => deps.ports.ledger.listAllPositions(o));
  return [...new Set(positions.map((p) => p.symbol))].sort();
};

/** The `PrepareRun` task. */
export const prepareRunTask = task('PrepareRun', prepareRun);
