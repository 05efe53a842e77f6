/**
 * PrepareRun: everything that happens once per trading day before any strategy runs.
 *  1. The trading day: the input's, or today in New York by the broker's clock.
 *  2. The market calendar (the broker's): a closed day ends the execution with `SKIP` (no Run is created).
 *  3. The Run of (day, stage) is idempotent: a finished one → `SKIP` ('already ran'); a RUNNING one (a retry,
 *     or a second start) continues with the snapshot and flows it recorded. 3b. With `reopen`, a FAILED or
 *     BLOCKED one is moved back to RUNNING and continues the same way (its disabled strategies included).
 *  4. Otherwise: the market-data snapshot (bars once per symbol for every strategy and every held symbol),
 *     corporate actions since the previous run (corporate-actions.ts), flag flips for strategies whose
 *     configured flow differs from the ledger's, initial funding of strategies the ledger does not know,
 *     capital (a change of allocations, or the periodic capital rebalance: capital.ts), then the Run,
 *     recording each strategy's flow (`Run.flows`).
 *  5. Small Map items: one `{strategyId, flow}` per enabled live strategy, with the flow the Run recorded. A
 *     strategy the Run has no flow for (enabled after the Run started, or a Run recorded before runs stored
 *     flows) trades with its configured flow, with a warning: step 4 flipped every enabled strategy to its
 *     configured flow before creating the Run, so the two differ only if the configuration changed mid-run.
 *  6. Shadow mode (docs/shadow.md): `mode: shadow` strategies are no Map items and get no capital; their
 *     symbols are in the snapshot. When any strategy is shadowed, `hasShadows` and the account's equity
 *     (`shadows.equity`, what new paper books are funded from) for the shadow states after the pool.
 * Every write is idempotent (ledger transfer plans, create-once Run), so a re-run completes, never repeats.
 */
import { ConfigInvalidError, newYorkDate } from '@ensemble/core';
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
import {
  type BranchItem,
  historyCeilingProblem,
  type PrepareRunInput,
  type PrepareRunOutput,
} from '@ensemble/workflow/contract';
import { buildMarketSnapshot, storeMarketSnapshot } from '../market-snapshot.ts';
import type { StepDeps } from '../step-deps.ts';
import { dayShapeOf, enabledStrategies, liveStrategies, shadowedStrategies } from '../strategies.ts';
import { task } from '../task.ts';
import { type CapitalStepLedger, settleCapital } from './capital.ts';
import { type CorporateActionsLedger, settleCorporateActions } from './corporate-actions.ts';

/** The ledger roles PrepareRun uses. */
type Ledger = RunLedger &
  BookLedger &
  FlipLedger &
  CapitalLedger &
  CapitalStepLedger &
  CorporateActionsLedger;

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
    return {
      runId,
      tradingDay,
      stage,
      action: 'SKIP',
      reason,
      snapshotRef: '',
      items: [],
      hasPool: false,
      hasShadows: false,
      shadows: { items: [] },
    };
  };

  const sessions = await broker.getCalendar({ from: tradingDay, to: tradingDay });
  if (!sessions.some((s) => s.date === tradingDay)) return skip(`market closed on ${tradingDay}`);
  // A day too wide for one Step Functions execution's history is refused before anything is recorded or
  // traded. The local runner has no such limit (benchmarks go beyond it); `ensemble run` refuses it itself.
  const ceiling = stage === LOCAL_STAGE ? null : historyCeilingProblem(dayShapeOf(deps.config));
  if (ceiling) throw new ConfigInvalidError(ceiling);

  const existing = await ledger.getRun(runId);
  if (existing && existing.status !== 'RUNNING') {
    if (input.input.reopen !== true || !REOPENABLE.has(existing.status))
      return skip(`already ran (${existing.status})`);
    const reopened = await reopenRun(deps, existing);
    if (!reopened) return skip(`already ran (${existing.status}); it could not be reopened`);
    return {
      runId,
      tradingDay,
      stage,
      action: 'TRADE',
      snapshotRef: reopened.dataSnapshot,
      ...itemsOf(deps, reopened, await strategiesOfRun(deps, runId)),
      ...(await shadowsOf(deps)),
    };
  }
  const run = existing ?? (await startRun(deps, runId, tradingDay, stage));
  return {
    runId,
    tradingDay,
    stage,
    action: 'TRADE',
    snapshotRef: run.dataSnapshot,
    ...itemsOf(deps, run),
    ...(await shadowsOf(deps)),
  };
};

/** Step 6 of the module comment. */
const shadowsOf = async (
  deps: StepDeps<Ledger>,
): Promise<Pick<PrepareRunOutput, 'hasShadows' | 'shadows'>> => {
  if (shadowedStrategies(deps.config).length === 0) return { hasShadows: false, shadows: { items: [] } };
  const { equity } = await deps.ports.broker.getAccount();
  return { hasShadows: true, shadows: { equity, items: [] } };
};

/** The stage of local runs (the local interpreter, which has no history limit). */
const LOCAL_STAGE = 'local';

/** Run statuses a start with `reopen` trades again: a day that did not trade as planned. */
const REOPENABLE: ReadonlySet<string> = new Set(['FAILED', 'BLOCKED']);

/**
 * Step 3b: a FAILED or BLOCKED run moved back to RUNNING (`reopen`), with the snapshot, flows and funding it
 * recorded at its start; null when another start moved it meanwhile to something else than RUNNING.
 */
const reopenRun = async (deps: StepDeps<Ledger>, run: Run): Promise<Run | null> => {
  const moved = await deps.ports.ledger.updateRunStatus({
    runId: run.runId,
    expected: run.status,
    status: 'RUNNING',
  });
  deps.observe.logger.info('run reopened', { runId: run.runId, was: run.status });
  if (moved.status !== 'conflict') return moved.item;
  return moved.current?.status === 'RUNNING' ? moved.current : null;
};

/** The strategies with an outcome recorded in the run (a reopened day runs them again, enabled or not). */
const strategiesOfRun = async (deps: StepDeps<Ledger>, runId: string): Promise<string[]> => {
  const runs = await allPages((o) => deps.ports.ledger.listStrategyRunsOfRun(runId, o));
  return runs.map((r) => r.strategyId);
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
  const strategies = liveStrategies(config);
  const held = await allHeldSymbols(deps);
  // Every enabled strategy's symbols, `mode: shadow` ones' too: paper books trade on the same snapshot.
  const snapshot = await buildMarketSnapshot(
    marketData,
    [...enabledStrategies(config).flatMap((s) => s.requirements.symbols), ...held],
    tradingDay,
    deps.settings.rails(),
  );
  const problems = Object.keys(snapshot.problems);
  if (problems.length > 0) logger.warn('symbols unfit to trade on', { problems: snapshot.problems });
  const snapshotRef = await storeMarketSnapshot(snapshots, snapshot);
  // Stored, and kept as the day's steps read it: this process built it (no read-back, no re-validation).
  const read = deps.rememberSnapshot(snapshotRef, snapshot);

  const actions = await settleCorporateActions(deps, { runId, tradingDay, snapshot: read });
  if (actions.length > 0) logger.info('corporate actions', { applied: actions.length });

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
  const capital = await settleCapital(deps, { runId, tradingDay, prices: read.prices, held });
  state = capital.status === 'not-due' ? funded.state : await ledger.getFlowState();

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

/**
 * The Map items: every enabled live strategy (step 5), then, for a reopened run, the strategies it ran that are
 * disabled now (their steps trade nothing new for them, and follow and book what they had already placed).
 */
const itemsOf = (
  deps: StepDeps<Ledger>,
  run: Run,
  ranBefore: readonly string[] = [],
): { items: BranchItem[]; hasPool: boolean } => {
  const items = liveStrategies(deps.config).map((s): BranchItem => {
    const flow = run.flows[s.id];
    if (flow !== undefined) return { strategyId: s.id, flow };
    deps.observe.logger.warn('strategy has no flow in the run: trading it with its configured flow', {
      runId: run.runId,
      strategyId: s.id,
      flow: s.flow,
    });
    return { strategyId: s.id, flow: s.flow };
  });
  const listed = new Set(items.map((i) => i.strategyId));
  for (const id of [...new Set(ranBefore)].sort()) {
    const flow = run.flows[id];
    if (listed.has(id) || flow === undefined) continue;
    items.push({ strategyId: id, flow });
  }
  return { items, hasPool: items.some((i) => i.flow === 'aggregated') };
};

/** Every symbol any book holds (so the snapshot prices them: planning and NAV fail closed without). */
const allHeldSymbols = async (deps: StepDeps<Ledger>): Promise<string[]> => {
  const positions = await allPages((o) => deps.ports.ledger.listAllPositions(o));
  return [...new Set(positions.map((p) => p.symbol))].sort();
};

/** The `PrepareRun` task. */
export const prepareRunTask = task('PrepareRun', prepareRun);
