/**
 * What a ledger write stores and when a repeated write is the same write: each record built from its input,
 * the fields a create-once write compares to tell a replay (`exists`) from a different record (`conflict`),
 * and how a conditional transition is recognised as replayed. Pure, and shared by the two implementations
 * of {@link LedgerRepository} — the DynamoDB repository and the memory ledger — so they cannot drift apart.
 */
import { dec, str } from '@ensemble/core';
import type {
  Fill,
  FlowState,
  Nav,
  Order,
  PoolAttribution,
  Run,
  RunStatus,
  Signal,
  StrategyRun,
  Transfer,
  TransferPlan,
} from '../types.ts';
import type {
  CreateRunInput,
  FinalizeFlowStateInput,
  RecordFillInput,
  RecordNavInput,
  RecordOrderIntentInput,
  RecordPlanInput,
  UpdateOrderStatusInput,
  UpdateRunStatusInput,
} from './inputs.ts';

/**
 * The caller-supplied fields a create-once write compares: an existing record equal on these is the same
 * record written again (`exists`), otherwise `conflict`. Timestamps are never compared.
 */
export const SameOn = {
  run: ['asOf', 'dataSnapshot', 'flows'],
  strategyRun: ['flow', 'outcome', 'error'],
  signal: ['weights', 'traceRef'],
  plan: ['orders'],
  poolAttribution: ['fraction', 'capital', 'weights', 'holdings'],
  order: ['runId', 'bookId', 'symbol', 'side', 'requestedQty', 'requestedNotional'],
  fill: ['clientOrderId', 'bookId', 'symbol', 'side', 'qty', 'price', 'notional', 'fee'],
  nav: ['cash', 'positionsValue', 'nav', 'flowsIn', 'flowsOut'],
  transfer: ['kind', 'from', 'to', 'symbol', 'qty', 'amount'],
  transferPlan: ['kind', 'strategyId', 'toFlow', 'transfers', 'flowsAfter', 'poolSharesAfter'],
} as const satisfies {
  run: readonly (keyof Run)[];
  strategyRun: readonly (keyof StrategyRun)[];
  signal: readonly (keyof Signal)[];
  plan: readonly (keyof RecordPlanInput)[];
  poolAttribution: readonly (keyof PoolAttribution)[];
  order: readonly (keyof Order)[];
  fill: readonly (keyof Fill)[];
  nav: readonly (keyof Nav)[];
  transfer: readonly (keyof Transfer)[];
  transferPlan: readonly (keyof TransferPlan)[];
};

/** The entries of an object or array whose value is defined. */
const definedEntries = (o: object): [string, unknown][] =>
  Object.entries(o).filter(([, v]) => v !== undefined);

/** Deep equality of plain JSON-like values (key order ignored; undefined values count as absent). */
export const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ea = definedEntries(a);
  const eb = new Map(definedEntries(b));
  return ea.length === eb.size && ea.every(([k, v]) => eb.has(k) && jsonEqual(v, eb.get(k)));
};

/** True if `existing` equals `input` on every key of `input` that is defined. */
export const sameOn = <T extends object>(input: T, existing: T, keys: readonly (keyof T)[]): boolean =>
  keys.every((k) => input[k] === undefined || jsonEqual(input[k], existing[k]));

/** Run statuses a run ends in (a move to one stamps `finishedAt`). */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'BLOCKED', 'ABORTED'];

/** The run {@link createRun} records: RUNNING, its first history entry at `at`. */
export const newRun = (input: CreateRunInput, runId: string, at: string): Run => ({
  runId,
  tradingDay: input.tradingDay,
  stage: input.stage,
  status: 'RUNNING',
  asOf: input.asOf,
  dataSnapshot: input.dataSnapshot,
  flows: input.flows,
  ...(input.equity ? { equity: input.equity } : {}),
  statusHistory: [{ status: 'RUNNING', at }],
  startedAt: at,
  updatedAt: at,
});

/** The fields a run status move sets (the history entry is appended separately). */
export const runStatusChange = (input: UpdateRunStatusInput, at: string) => ({
  set: {
    status: input.status,
    updatedAt: at,
    ...(TERMINAL_RUN_STATUSES.includes(input.status) ? { finishedAt: at } : {}),
    ...(input.error ? { error: input.error } : {}),
  },
  entry: { status: input.status, at },
});

/** True if `run`'s history shows the move `input` asks for already made (a replay of it). */
export const isReplayedRunMove = (run: Run, input: UpdateRunStatusInput): boolean => {
  const h = run.statusHistory;
  return h.some((e, i) => i > 0 && e.status === input.status && h[i - 1]?.status === input.expected);
};

/** The order {@link recordOrderIntent} records: INTENT at version 1, nothing filled. */
export const newOrder = (input: RecordOrderIntentInput, at: string): Order => {
  const { reason, ...rest } = input;
  return {
    ...rest,
    filledQty: '0',
    filledNotional: '0',
    status: 'INTENT',
    version: 1,
    statusHistory: [{ status: 'INTENT', at, ...(reason === undefined ? {} : { reason }) }],
    createdAt: at,
    updatedAt: at,
  };
};

/** The fields an order status move sets, and the history entry it appends. */
export const orderStatusChange = (input: UpdateOrderStatusInput, at: string) => ({
  set: {
    status: input.status,
    version: input.expectedVersion + 1,
    updatedAt: at,
    ...(input.brokerOrderId === undefined ? {} : { brokerOrderId: input.brokerOrderId }),
    ...(input.filledQty === undefined ? {} : { filledQty: str(dec(input.filledQty)) }),
    ...(input.filledNotional === undefined ? {} : { filledNotional: str(dec(input.filledNotional)) }),
  },
  entry: { status: input.status, at, ...(input.reason === undefined ? {} : { reason: input.reason }) },
});

/**
 * True if `current` shows the move `input` asks for already made: the entry written by the transition
 * from version v sits at index v (index 0 is INTENT, version 1).
 */
export const isReplayedOrderMove = (current: Order, input: UpdateOrderStatusInput): boolean => {
  const written = current.statusHistory[input.expectedVersion];
  return (
    written?.status === input.status &&
    (input.brokerOrderId === undefined || current.brokerOrderId === input.brokerOrderId)
  );
};

/** The fill {@link recordFill} records: decimals normalized, notional qty × price unless the broker's. */
export const newFill = (input: RecordFillInput): Fill => {
  const qty = dec(input.qty);
  const price = dec(input.price);
  return {
    ...input,
    qty: str(qty),
    price: str(price),
    notional: str(input.notional === undefined ? qty.times(price) : dec(input.notional)),
    fee: str(dec(input.fee ?? '0')),
  };
};

/** A NAV's values as stored (decimal strings normalized, flows defaulting to 0). */
export const navValues = (input: RecordNavInput): Pick<Nav, (typeof SameOn.nav)[number]> => {
  const n = (s: string | undefined) => str(dec(s ?? '0'));
  return {
    cash: n(input.cash),
    positionsValue: n(input.positionsValue),
    nav: n(input.nav),
    flowsIn: n(input.flowsIn),
    flowsOut: n(input.flowsOut),
  };
};

/** The NAV {@link recordNav} records. */
export const newNav = (input: RecordNavInput, at: string): Nav => ({
  bookId: input.bookId,
  day: input.day,
  ...navValues(input),
  recordedAt: at,
});

/**
 * The fields a finalized flip or capital plan writes over the flow state `cur` (both implementations of the
 * ledger write exactly these): the flows and allocations merged, the pool's shares replaced, the plan
 * remembered, the version bumped.
 */
export const finalizedFlowFields = (cur: FlowState, input: FinalizeFlowStateInput, now: string) => ({
  flows: { ...cur.flows, ...input.flows },
  poolShares: input.poolShares,
  ...(input.allocations === undefined
    ? {}
    : { allocations: { ...(cur.allocations ?? {}), ...input.allocations } }),
  lastPlanId: input.planId,
  version: cur.version + 1,
  updatedAt: now,
});
