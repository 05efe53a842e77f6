/**
 * Recovering a run's orders from the broker: every order at the broker under one of the run's deterministic
 * client order ids is brought into the ledger — adopted when the ledger lacks it, its fills recorded and
 * applied exactly once, its status moved — by the same `adoptOrder`/`syncOrder` an execution uses, so a
 * recovery and a re-run of the execution can never book a fill twice between them.
 *
 * The candidate ids come from what the ledger recorded before anything reached the broker: the run's plans
 * (every line's id, as `executePlan` derives it) and the run's order intents. No execution log is read, so a
 * run whose log was lost, or whose execution can no longer be redriven, is still repairable. Nothing is ever
 * placed or canceled: an order the broker never saw stays as the ledger has it.
 *
 * Run it while no execution of the run is in flight (an execution between a fill and its record would be
 * racing it; both sides are idempotent, so the race costs retries, never a duplicate).
 */
import { type Broker, D, POOL_BOOK, strQty, TERMINAL_ORDER_STATUSES } from '@ensemble/core';
import { allPages, type Order, type OrderLedger, type PlanLedger } from '@ensemble/ledger';
import { identifyLines } from './execute.ts';
import { noFaults } from './faults.ts';
import { adoptOrder, type SyncContext, syncOrder, TERMINAL_LEDGER_STATUSES } from './order-sync.ts';

/** What a recovery did with one candidate id. */
export type RecoveredAction =
  /** At the broker, unknown to the ledger: adopted, and its fills booked. */
  | 'adopted'
  /** Known to the ledger, which had not caught up with the broker: fills booked and/or status moved. */
  | 'synced'
  /** The ledger already agreed with the broker. */
  | 'unchanged'
  /** The broker never received it (an intent, or a plan line that was never placed). */
  | 'not-at-broker';

/** One candidate id and what became of it. */
export interface RecoveredOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly action: RecoveredAction;
  /** The ledger's status after the recovery (absent when the ledger has no such order). */
  readonly status?: string;
  /** Shares the recovery booked on this order (0 when none). */
  readonly bookedQty: string;
}

/** What {@link recoverRunOrders} needs. */
export interface RecoverDeps {
  readonly ledger: OrderLedger & Pick<PlanLedger, 'listPlansOfRun'>;
  readonly broker: Pick<Broker, 'getOrderByClientId'>;
}

/** The run whose orders are recovered. */
export interface RecoverInput {
  readonly runId: string;
  readonly tradingDay: string;
  readonly stage: string;
}

/** Every candidate id of the run, with the book, symbol and side it belongs to. */
const candidatesOf = async (
  deps: RecoverDeps,
  input: RecoverInput,
): Promise<Map<string, Pick<Order, 'bookId' | 'symbol' | 'side'>>> => {
  const out = new Map<string, Pick<Order, 'bookId' | 'symbol' | 'side'>>();
  const plans = await allPages((o) => deps.ledger.listPlansOfRun(input.runId, o));
  for (const plan of plans) {
    const lines = plan.orders.filter((l) => l.qty !== undefined);
    const identified = identifyLines({
      runId: input.runId,
      tradingDay: input.tradingDay,
      stage: input.stage,
      bookId: plan.bookId,
      flow: plan.bookId === POOL_BOOK ? 'aggregated' : 'per-book',
      asOf: input.tradingDay,
      lines: lines.map((l) => ({ symbol: l.symbol, side: l.side, qty: l.qty, reason: l.reason ?? '' })),
      prices: {},
    });
    for (const l of identified)
      out.set(l.clientOrderId, { bookId: plan.bookId, symbol: l.symbol, side: l.side });
  }
  const orders = await allPages((o) => deps.ledger.listOrdersOfRun(input.runId, o));
  for (const o of orders) out.set(o.clientOrderId, { bookId: o.bookId, symbol: o.symbol, side: o.side });
  return out;
};

/**
 * Brings every order of the run that the broker has into the ledger (see the module comment). Returns one
 * entry per candidate id, sorted by id. Throws what the broker or the ledger throw (retryable ones are safe
 * to retry: every step is idempotent).
 */
export const recoverRunOrders = async (deps: RecoverDeps, input: RecoverInput): Promise<RecoveredOrder[]> => {
  const candidates = await candidatesOf(deps, input);
  const out: RecoveredOrder[] = [];
  for (const id of [...candidates.keys()].sort()) {
    const line = candidates.get(id)!;
    const existing = await deps.ledger.getOrder(id);
    const bo = await deps.broker.getOrderByClientId(id);
    const base = { clientOrderId: id, symbol: line.symbol, side: line.side };
    if (!bo) {
      out.push({
        ...base,
        action: 'not-at-broker',
        ...(existing ? { status: existing.status } : {}),
        bookedQty: '0',
      });
      continue;
    }
    const ctx: SyncContext = {
      ledger: deps.ledger,
      fault: noFaults,
      runId: input.runId,
      tradingDay: input.tradingDay,
      bookId: existing?.bookId ?? line.bookId,
    };
    const caughtUp =
      existing !== null &&
      TERMINAL_LEDGER_STATUSES.has(existing.status) &&
      TERMINAL_ORDER_STATUSES.has(bo.status) &&
      existing.filledQty === bo.filledQty;
    if (caughtUp) {
      out.push({ ...base, action: 'unchanged', status: existing.status, bookedQty: '0' });
      continue;
    }
    const adopted = await adoptOrder(ctx, existing, bo);
    const synced = await syncOrder(ctx, adopted, bo);
    const booked = new D(synced.filledQty).minus(existing?.filledQty ?? '0');
    out.push({
      ...base,
      action: existing ? (synced.version === existing.version ? 'unchanged' : 'synced') : 'adopted',
      status: synced.status,
      bookedQty: strQty(booked),
    });
  }
  return out;
};
