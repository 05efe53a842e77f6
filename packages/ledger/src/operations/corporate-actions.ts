/**
 * Corporate actions through the ledger: a split or a cash dividend of a held symbol applied to every book
 * holding it, as one transfer plan (`split:<SYMBOL>:<exDate>`, `dividend:<SYMBOL>:<exDate>`), exactly once —
 * like a flip, no transactions needed (plan-runner.ts). The amounts are core's (`splitTransfers`,
 * `dividendTransfers`): new shares come from (cancelled ones go to) `external`, with no cost basis; a dividend
 * is cash from `external`, `qty × rate` rounded down to cents, to each book holding the symbol now — the
 * caller applies it before the ex-date's trading, when the books hold what they held at the record date.
 */
import {
  type Transfer as CoreTransfer,
  CorporateAction,
  type CorporateActionInput,
  corporateActionId,
  dividendTransfers,
  type Holder,
  splitTransfers,
  TradingDay,
} from '@ensemble/core';
import * as z from 'zod';
import { allPages } from '../pages.ts';
import type { BookLedger, TransferLedger } from '../repository/index.ts';
import type { PlannedTransfer, TransferPlan } from '../types.ts';
import { parseInput } from './flip.ts';
import { completePlan, type PlanContent, runPlan, settlePending } from './plan-runner.ts';

/** What applying a corporate action reads and writes: the plan and FlowState, and who holds the symbol. */
export type CorporateActionLedger = TransferLedger & Pick<BookLedger, 'listHoldersOfSymbol'>;

/** Input of {@link applyCorporateAction}. */
export const ApplyCorporateActionInput = z.object({
  action: CorporateAction,
  /** The trading day it is applied on (its ex-date, or the first run after it). */
  day: TradingDay,
  /** The symbol trades in whole shares only: a split rounds each book's new quantity down to an integer. */
  wholeShares: z.boolean().default(false),
  runId: z.string().min(1).optional(),
});
export type ApplyCorporateActionInput = Omit<z.input<typeof ApplyCorporateActionInput>, 'action'> & {
  action: CorporateActionInput;
};

/** Result of {@link applyCorporateAction}. */
export interface CorporateActionResult {
  /** `applied`: the plan ran now; `already-applied`: it ran before; `no-holders`: no book holds the symbol. */
  status: 'applied' | 'already-applied' | 'no-holders';
  plan: TransferPlan | null;
}

const planned = (planId: string, t: CoreTransfer): PlannedTransfer =>
  t.kind === 'position'
    ? {
        transferId: `${planId}:${t.to === 'external' ? t.from : t.to}`,
        kind: 'position',
        from: t.from,
        to: t.to,
        symbol: t.symbol,
        qty: t.qty,
        amount: t.costBasis,
      }
    : { transferId: `${planId}:${t.to}`, kind: 'cash', from: t.from, to: t.to, amount: t.amount };

/**
 * Applies a corporate action to every book holding its symbol, once (see the module comment). Re-running
 * after a crash completes the recorded plan; after completion it reports `already-applied` and writes nothing.
 */
export const applyCorporateAction = async (
  ledger: CorporateActionLedger,
  raw: ApplyCorporateActionInput,
): Promise<CorporateActionResult> => {
  const input = parseInput(ApplyCorporateActionInput, raw, 'corporate action');
  const { action } = input;
  const planId = corporateActionId(action);
  const state = await settlePending(ledger, planId);
  const existing = await ledger.getTransferPlan(planId);
  if (existing && state.pendingPlanId !== planId) return { status: 'already-applied', plan: existing };
  if (existing) {
    await completePlan(ledger, existing);
    return { status: 'applied', plan: await ledger.getTransferPlan(planId) };
  }
  const holders: Holder[] = (await allPages((o) => ledger.listHoldersOfSymbol(action.symbol, o))).map(
    (p) => ({
      bookId: p.bookId,
      qty: p.qty,
    }),
  );
  const transfers =
    action.kind === 'split'
      ? splitTransfers(action, holders, input.wholeShares)
      : dividendTransfers(action, holders);
  if (transfers.length === 0) return { status: 'no-holders', plan: null };
  const what =
    action.kind === 'split'
      ? `${action.newRate}-for-${action.oldRate} split of ${action.symbol} (${action.source})`
      : `dividend of ${action.rate} a share of ${action.symbol}`;
  const content: PlanContent = {
    day: input.day,
    kind: 'corporate-action',
    reason: `${what}, ex-date ${action.exDate}`,
    ...(input.runId === undefined ? {} : { runId: input.runId }),
    transfers: transfers.map((t) => planned(planId, t)),
    flowsAfter: {},
    poolSharesBefore: { ...state.poolShares },
    poolSharesAfter: { ...state.poolShares },
    corporateAction: action,
  };
  return { status: 'applied', plan: (await runPlan(ledger, state, planId, content)).plan };
};
