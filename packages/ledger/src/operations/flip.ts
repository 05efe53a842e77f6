/**
 * The flow flag flip through the ledger. `aggregated → per-book` carves the strategy's slice of the pool (its
 * pool share of the NAV: with prices, what it targets by its latest weights, else its share × every position
 * and the cash; core's `carveFromPool`) into `strategy#<id>`; `per-book → aggregated` moves the whole book into the pool and
 * issues the strategy a pool share at NAV (core's `mergeIntoPool`). Either way: ledger transfers only, no
 * broker order, totals of the two books unchanged to the share and cent. The flip is a transfer plan
 * (`flip:<strategyId>:<n>`), so a re-run after a crash at any write completes it exactly once, and the new
 * flow is recorded in the FlowState, from which a Run takes its flag values (`createRun({ flows: state.flows })`).
 *
 * Precondition: no trading on the pool or the book while a flip runs (the workflow flips in PrepareRun,
 * before any branch trades).
 */
import {
  type BookState,
  bookOf,
  type Transfer as CoreTransfer,
  carveFromPool,
  D,
  type DecimalString,
  dec,
  type FlipResult,
  Flow,
  mergeIntoPool,
  normalizeShares,
  POOL_BOOK,
  Prices,
  StrategyId,
  TradingDay,
} from '@ensemble/core';
import * as z from 'zod';
import { LedgerInputInvalidError } from '../errors.ts';
import { allPages } from '../pages.ts';
import type { BookLedger, PlanLedger, TransferLedger } from '../repository/index.ts';
import type { FlowState, PlannedTransfer, TransferPlan } from '../types.ts';
import { completePlan, type PlanContent, runPlan, settlePending } from './plan-runner.ts';

/** What a flip reads and writes: the transfer plan and the FlowState, the two books, the pool's attributions. */
export type FlipLedger = TransferLedger &
  Pick<BookLedger, 'getBook'> &
  Pick<PlanLedger, 'listPoolAttributionsOfRun' | 'listPoolAttributionsOfStrategy'>;

/** Input of {@link flipFlow}. */
export const FlipFlowInput = z
  .object({
    strategyId: StrategyId,
    /** The flow the strategy is traded with now (used only if the ledger has never recorded its flow). */
    from: Flow,
    to: Flow,
    day: TradingDay,
    /** Prices of every symbol the pool or the book holds; needed to merge into the pool (at NAV). */
    prices: Prices.optional(),
    /** Symbols traded in whole shares only: their carved quantity is rounded down to an integer. */
    nonFractionable: z.array(z.string()).optional(),
    runId: z.string().min(1).optional(),
    reason: z.string().min(1).optional(),
  })
  .refine((i) => i.from !== i.to, { message: 'from and to must differ', path: ['to'] });
export type FlipFlowInput = z.input<typeof FlipFlowInput>;

/** Result of {@link flipFlow}: `already-flipped` when the ledger's flow already was `to` (plan: null). */
export interface FlipFlowResult {
  status: 'flipped' | 'already-flipped';
  plan: TransferPlan | null;
  state: FlowState;
}

/** Parses with zod; a bad input is a {@link LedgerInputInvalidError} listing every issue. */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> => {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new LedgerInputInvalidError(
      `invalid ${what}`,
      r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return r.data;
};

/**
 * Pool shares when no FlowState was ever written: the fractions of the latest run in which `strategyId` was
 * attributed a slice of the pool, normalized to sum to 1 (empty if it never was).
 */
export const sharesFromAttributions = async (
  ledger: Pick<PlanLedger, 'listPoolAttributionsOfRun' | 'listPoolAttributionsOfStrategy'>,
  strategyId: string,
): Promise<Record<string, DecimalString>> => {
  const mine = await allPages((o) => ledger.listPoolAttributionsOfStrategy(strategyId, o));
  const last = mine.reduce<(typeof mine)[number] | undefined>(
    (a, b) => (!a || `${b.tradingDay}\u0000${b.runId}` > `${a.tradingDay}\u0000${a.runId}` ? b : a),
    undefined,
  );
  if (!last) return {};
  const ofRun = await allPages((o) => ledger.listPoolAttributionsOfRun(last.runId, o));
  const weights = Object.fromEntries(ofRun.map((a) => [a.strategyId, dec(a.fraction)]));
  const total = Object.values(weights).reduce((a, b) => a.plus(b), new D(0));
  return total.gt(0) ? { ...normalizeShares(weights) } : {};
};

/**
 * The pool members' target weights of the latest run in which `strategyId` was attributed a slice of the pool
 * (each member's weights of that run), or undefined when it never was.
 */
export const latestTargets = async (
  ledger: Pick<PlanLedger, 'listPoolAttributionsOfRun' | 'listPoolAttributionsOfStrategy'>,
  strategyId: string,
): Promise<Record<string, Record<string, string>> | undefined> => {
  const mine = await allPages((o) => ledger.listPoolAttributionsOfStrategy(strategyId, o));
  const last = mine.reduce<(typeof mine)[number] | undefined>(
    (a, b) => (!a || `${b.tradingDay}\u0000${b.runId}` > `${a.tradingDay}\u0000${a.runId}` ? b : a),
    undefined,
  );
  if (!last || Object.keys(last.weights).length === 0) return undefined;
  const ofRun = await allPages((o) => ledger.listPoolAttributionsOfRun(last.runId, o));
  return Object.fromEntries(ofRun.map((a) => [a.strategyId, { ...a.weights }]));
};

const planned = (planId: string, t: CoreTransfer): PlannedTransfer =>
  t.kind === 'position'
    ? {
        transferId: `${planId}:position:${t.symbol}`,
        kind: 'position',
        from: t.from,
        to: t.to,
        symbol: t.symbol,
        qty: t.qty,
        amount: t.costBasis,
      }
    : { transferId: `${planId}:cash`, kind: 'cash', from: t.from, to: t.to, amount: t.amount };

const flipPrefix = (strategyId: string) => `flip:${strategyId}:`;

/**
 * Flips a strategy's flow by ledger transfers (see the module comment). Idempotent: the same call after a
 * crash anywhere completes the flip once; after completion it reports `already-flipped`.
 */
export const flipFlow = async (ledger: FlipLedger, raw: FlipFlowInput): Promise<FlipFlowResult> => {
  const input = parseInput(FlipFlowInput, raw, 'flag flip');
  const { strategyId, to } = input;
  const pre = await ledger.getFlowState();
  const own = pre.pendingPlanId?.startsWith(flipPrefix(strategyId)) ? pre.pendingPlanId : undefined;
  let state = await settlePending(ledger, own);
  const recorded = own === undefined ? null : await ledger.getTransferPlan(own);
  if (recorded) {
    // Resuming this strategy's flip after a crash: the record wins over the half-moved books.
    state = await completePlan(ledger, recorded);
    if (recorded.toFlow === to) {
      return { status: 'flipped', plan: await ledger.getTransferPlan(recorded.planId), state };
    }
  }
  const current = state.flows[strategyId] ?? input.from;
  if (current === to) return { status: 'already-flipped', plan: null, state };

  const planId = state.pendingPlanId ?? `${flipPrefix(strategyId)}${state.version + 1}`;
  const initial = state.version === 0 ? await sharesFromAttributions(ledger, strategyId) : undefined;
  const shares = initial ?? state.poolShares;
  const pool: BookState = await ledger.getBook(POOL_BOOK);
  const book: BookState = await ledger.getBook(bookOf(strategyId));
  // Carving with prices: by the members' latest weights (their pool attributions), so the strategy gets what
  // it targets and the pool keeps what the others target; without prices, pro rata.
  const targets = to === 'per-book' && input.prices ? await latestTargets(ledger, strategyId) : undefined;
  const result: FlipResult =
    to === 'per-book'
      ? carveFromPool({
          pool,
          shares,
          strategyId,
          book,
          ...(input.nonFractionable ? { nonFractionable: new Set(input.nonFractionable) } : {}),
          ...(targets && input.prices ? { targets, prices: input.prices } : {}),
        })
      : mergeIntoPool({ pool, shares, strategyId, book, prices: input.prices ?? {} });
  const content: PlanContent = {
    day: input.day,
    kind: 'flip',
    reason: input.reason ?? `flag flip of ${strategyId}: ${current} → ${to}`,
    ...(input.runId === undefined ? {} : { runId: input.runId }),
    strategyId,
    fromFlow: current,
    toFlow: to,
    transfers: result.transfers.map((t) => planned(planId, t)),
    flowsAfter: { [strategyId]: to },
    poolSharesBefore: { ...shares },
    poolSharesAfter: { ...result.shares },
  };
  const done = await runPlan(ledger, state, planId, content, initial);
  return { status: 'flipped', ...done };
};
