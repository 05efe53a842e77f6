/**
 * Corporate actions at the start of a run (PrepareRun, before flips, funding and capital, so every plan of the
 * day sees the books as the broker does). The actions with an ex-date since the previous run, up to the
 * trading day, are read from the broker's announcements and applied to every holding book, each once, as a
 * ledger plan (`applyCorporateAction`): a split issues each book its new shares, a cash dividend credits each
 * book by its holding — the books before the day's trading hold what they held at the record date. Then any
 * position where the broker still holds another quantity than the books is checked for an unannounced split
 * (core's `inferSplit`: a round ratio confirmed by the price since the previous run); anything else is left
 * for reconciliation to report, never guessed away.
 */
import { addDays, type CorporateAction, D, dec, inferSplit } from '@ensemble/core';
import {
  allPages,
  applyCorporateAction,
  type BookLedger,
  type CorporateActionLedger,
  type CorporateActionResult,
  type RunLedger,
} from '@ensemble/ledger';
import type { LoadedSnapshot } from '../market-snapshot.ts';
import type { StepDeps } from '../step-deps.ts';

/** The ledger roles corporate actions use. */
export type CorporateActionsLedger = CorporateActionLedger &
  Pick<BookLedger, 'listAllPositions'> &
  Pick<RunLedger, 'listRuns'>;

/** How far back the previous run is looked for (a longer gap applies the actions since then as of this one). */
const LOOKBACK_DAYS = 31;

/** One action applied (or found applied) in this run. */
export interface AppliedAction {
  readonly action: CorporateAction;
  readonly status: CorporateActionResult['status'];
}

/** Applies the corporate actions due at `tradingDay` (see the module comment). */
export const settleCorporateActions = async (
  deps: StepDeps<CorporateActionsLedger>,
  run: { runId: string; tradingDay: string; snapshot: LoadedSnapshot },
): Promise<AppliedAction[]> => {
  const { ledger, broker } = deps.ports;
  const { logger } = deps.observe;
  const held = async () => totals(await allPages((o) => ledger.listAllPositions(o)));
  const before = await held();
  const symbols = [...before.keys()].sort();
  if (symbols.length === 0) return [];
  const runs = await allPages((o) =>
    ledger.listRuns({ ...o, from: addDays(run.tradingDay, -LOOKBACK_DAYS), to: addDays(run.tradingDay, -1) }),
  );
  const previous = runs.sort((a, b) => a.tradingDay.localeCompare(b.tradingDay)).at(-1);
  const from = previous ? addDays(previous.tradingDay, 1) : run.tradingDay;
  const facts = await broker.getAssets(symbols);
  const wholeShares = (symbol: string) => facts.get(symbol)?.fractionable === false;
  const apply = async (action: CorporateAction): Promise<AppliedAction> => {
    const r = await applyCorporateAction(ledger, {
      action,
      day: run.tradingDay,
      wholeShares: wholeShares(action.symbol),
      runId: run.runId,
    });
    logger.info('corporate action', { id: r.plan?.planId, status: r.status, action });
    return { action, status: r.status };
  };

  const applied: AppliedAction[] = [];
  const announced = broker.getCorporateActions
    ? await broker.getCorporateActions({ symbols, from, to: run.tradingDay })
    : [];
  for (const action of announced) applied.push(await apply(action));

  // Unannounced splits: the broker's quantity against the books', confirmed by the price since the last run.
  // The books as the actions left them (as they were, when no action was applied).
  const books = applied.length > 0 ? await held() : before;
  const atBroker = new Map((await broker.listPositions()).map((p) => [p.symbol, dec(p.qty)]));
  const split = new Set(applied.filter((a) => a.action.kind === 'split').map((a) => a.action.symbol));
  let previousPrices: Readonly<Record<string, string>> | undefined;
  for (const symbol of symbols) {
    const ledgerQty = books.get(symbol) ?? new D(0);
    const brokerQty = atBroker.get(symbol) ?? new D(0);
    if (split.has(symbol) || brokerQty.minus(ledgerQty).abs().lte('0.000001')) continue;
    // The previous run's prices are read only when a quantity differs (most days none does).
    previousPrices ??= previous ? (await deps.readSnapshot(previous.dataSnapshot)).prices : {};
    const previousPrice = previousPrices[symbol];
    const price = run.snapshot.prices[symbol];
    if (previousPrice === undefined || price === undefined) continue;
    const inferred = inferSplit({
      symbol,
      day: run.tradingDay,
      ledgerQty: ledgerQty.toFixed(),
      brokerQty: brokerQty.toFixed(),
      previousPrice,
      price,
    });
    if (inferred) applied.push(await apply(inferred));
    else logger.warn('broker and books hold different quantities', { symbol, ledgerQty, brokerQty });
  }
  return applied;
};

/** The books' total quantity per symbol. */
const totals = (positions: readonly { symbol: string; qty: string }[]): Map<string, D> => {
  const out = new Map<string, D>();
  for (const p of positions) out.set(p.symbol, (out.get(p.symbol) ?? new D(0)).plus(p.qty));
  return out;
};
