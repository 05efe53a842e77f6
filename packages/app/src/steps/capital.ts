/**
 * Capital at the start of a run (PrepareRun, after flips and funding). Two triggers, one ledger plan
 * (`rebalanceCapital`, `capital:<day>`, cash first, then slices of positions):
 *  - **the allocations changed** (capital policy or a strategy's allocation, against those the FlowState
 *    recorded): every book is brought to its new target now, whatever the band — a change is never ignored;
 *  - **capital rebalancing** (`account.capitalRebalance`): on the first run of each `frequency` period, books
 *    whose share of the capital left `target ± band × target` are brought back.
 * The unallocated cash (the account's cash no book owns) takes part, so books are measured as they were funded:
 * `allocation × (books + unallocated)`. Books that cannot be valued (a held symbol without a price today) are
 * left for the next run, with a warning: moving capital is never urgent enough to stop a trading day.
 */
import { addDays, type Broker, isRebalanceDue, PriceInvalidError, resolveAllocations } from '@ensemble/core';
import {
  allocationsChanged,
  allPages,
  type CapitalLedger,
  type RebalanceCapitalResult,
  type RunLedger,
  rebalanceCapital,
} from '@ensemble/ledger';
import type { StepDeps } from '../step-deps.ts';
import { liveStrategies } from '../strategies.ts';

/** The ledger roles capital uses. */
export type CapitalStepLedger = CapitalLedger & Pick<RunLedger, 'listRuns'>;

/** What the run did about capital. */
export interface CapitalOutcome {
  /** `not-due`: no trigger today; `unpriced`: a book could not be valued (left for the next run). */
  readonly status: RebalanceCapitalResult['status'] | 'not-due' | 'unpriced';
  readonly reason: string;
}

/** How far back the previous run is looked for (to know whether this is the first run of a period). */
const LOOKBACK_DAYS = 100;

/** Applies a change of allocations, or the periodic capital check; see the module comment. */
export const settleCapital = async (
  deps: StepDeps<CapitalStepLedger>,
  run: {
    runId: string;
    tradingDay: string;
    prices: Readonly<Record<string, string>>;
    /** Every symbol a book holds (a slice of a whole-share symbol is whole shares). */
    held: readonly string[];
  },
): Promise<CapitalOutcome> => {
  const { ledger, broker } = deps.ports;
  const { logger } = deps.observe;
  const policy = deps.settings.capitalPolicy();
  const strategies = liveStrategies(deps.config).map((s) => ({ id: s.id, flow: s.flow }));
  if (strategies.length === 0) return { status: 'not-due', reason: 'no strategy enabled' };
  const state = await ledger.getFlowState();
  const changed = allocationsChanged(state.allocations, resolveAllocations(policy, strategies).byStrategy);
  const unrecorded = state.allocations === undefined;
  const frequency = deps.config.account.capitalRebalance?.frequency;
  const due = frequency !== undefined && (await firstRunOfPeriod(ledger, run.tradingDay, frequency));
  if (!changed && !unrecorded && !due)
    return { status: 'not-due', reason: 'not the first run of the period' };

  const account = await broker.getAccount();
  let r: RebalanceCapitalResult;
  try {
    r = await rebalanceCapital(ledger, {
      policy,
      strategies,
      day: run.tradingDay,
      prices: run.prices,
      accountCash: account.cash,
      force: changed,
      nonFractionable: await wholeShareSymbols(broker, run.held),
      runId: run.runId,
    });
  } catch (e) {
    if (!(e instanceof PriceInvalidError)) throw e;
    logger.warn('capital not rebalanced: a book cannot be valued today', { error: e.message });
    return { status: 'unpriced', reason: e.message };
  }
  const reason =
    r.plan?.reason ?? `${r.status}${r.drifted.length > 0 ? `: ${r.drifted.length} drifted` : ''}`;
  logger.info('capital', { status: r.status, planId: r.plan?.planId, reason, unmet: r.unmet });
  return { status: r.status, reason };
};

/** True on the first run of a `frequency` period (the previous run was in an earlier one, or there is none). */
const firstRunOfPeriod = async (
  ledger: Pick<RunLedger, 'listRuns'>,
  tradingDay: string,
  frequency: 'daily' | 'weekly' | 'monthly' | 'quarterly',
): Promise<boolean> => {
  const runs = await allPages((o) =>
    ledger.listRuns({ ...o, from: addDays(tradingDay, -LOOKBACK_DAYS), to: addDays(tradingDay, -1) }),
  );
  const previous = runs
    .map((r) => r.tradingDay)
    .sort()
    .at(-1);
  return isRebalanceDue(frequency, tradingDay, previous);
};

/** The symbols the broker trades in whole shares only (their slices are whole shares). */
const wholeShareSymbols = async (broker: Broker, symbols: readonly string[]): Promise<string[]> => {
  if (symbols.length === 0) return [];
  const facts = await broker.getAssets([...symbols].sort());
  return [...facts].filter(([, f]) => f.fractionable === false).map(([s]) => s);
};
