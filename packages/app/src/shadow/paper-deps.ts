/**
 * The dependencies shadow mode's steps run the production step code with: the same configuration (and its
 * parsed settings), snapshot reader, clock and observers, but the ledger's shadow scope for every read and
 * write, and a broker and market data that fail closed (the paper broker is passed to the planning and
 * execution code explicitly).
 */
import type { Run, RunEquity, ShadowLedger } from '@ensemble/ledger';
import { ShadowUnavailableError } from '../errors.ts';
import type { ShadowPorts } from '../ports.ts';
import type { StepDeps } from '../step-deps.ts';
import { noMarketData, noTradingBroker } from './unavailable-ports.ts';

/** The context's shadow ports, or {@link ShadowUnavailableError}. */
export const shadowPortsOf = (deps: StepDeps): ShadowPorts => {
  if (deps.shadow === undefined) throw new ShadowUnavailableError('this context has no shadow ports');
  return deps.shadow;
};

/** Step dependencies over the shadow scope `ledger` (see the module comment). */
export const paperDeps = (deps: StepDeps, ledger: ShadowLedger): StepDeps<ShadowLedger> => ({
  config: deps.config,
  stage: deps.stage,
  observe: deps.observe,
  readSnapshot: deps.readSnapshot,
  rememberSnapshot: deps.rememberSnapshot,
  settings: deps.settings,
  ports: {
    ledger,
    broker: noTradingBroker,
    marketData: noMarketData,
    snapshots: deps.ports.snapshots,
    clock: deps.ports.clock,
  },
});

/**
 * The equity comparison paper executions run with: no baseline, so the equity-drop breaker (which guards the
 * account's books) never halts a paper book's buys; the account's value at the run's start (production's),
 * so the account-wide daily limits, which scale with it, apply to the paper books as they would to the books
 * they stand in for (the paper books' reservations count among themselves, in the shadow scope).
 */
export const paperEquityOf = (run: Pick<Run, 'equity'>): RunEquity | undefined =>
  run.equity ? { baselineDay: null, baseline: null, current: run.equity.current, dropPct: null } : undefined;
