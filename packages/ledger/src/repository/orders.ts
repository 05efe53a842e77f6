/**
 * Orders and fills. An order is created once as INTENT under its deterministic client order id, then moved by
 * `updateOrderStatus` conditional on the expected version; a replayed transition is recognised from the
 * history entry it wrote. A fill is created once under its fill id (applying it is journal.ts's job).
 */
import { D, str } from '@ensemble/core';
import type {
  BookId,
  DayRangeOptions,
  Fill,
  Order,
  OrderStatus,
  Page,
  PageOptions,
  RecordResult,
  Side,
  TradingDay,
  TransitionResult,
} from '../types.ts';
import { type Ctx, conditionalItem, createOnce, dayBounds, guard, pageOf, sameOn } from './shared.ts';

/** Input of {@link recordOrderIntent}. */
export interface RecordOrderIntentInput {
  /** Deterministic from (runId, strategy or book, symbol, side), so a retried submit is idempotent. */
  clientOrderId: string;
  runId: string;
  tradingDay: TradingDay;
  bookId: BookId;
  symbol: string;
  side: Side;
  requestedQty?: string;
  requestedNotional?: string;
  reason?: string;
}

export const recordOrderIntent = (ctx: Ctx, input: RecordOrderIntentInput): Promise<RecordResult<Order>> => {
  const at = ctx.now();
  const { reason, ...rest } = input;
  const order: Order = {
    ...rest,
    filledQty: '0',
    filledNotional: '0',
    status: 'INTENT',
    version: 1,
    statusHistory: [{ status: 'INTENT', at, ...(reason === undefined ? {} : { reason }) }],
    createdAt: at,
    updatedAt: at,
  };
  return createOnce(
    'recordOrderIntent',
    order,
    () => ctx.svc.entities.order.create(order).go({ originalErr: true }),
    () => getOrder(ctx, input.clientOrderId),
    (e) => sameOn(order, e, ['runId', 'bookId', 'symbol', 'side', 'requestedQty', 'requestedNotional']),
  );
};

export const getOrder = (ctx: Ctx, clientOrderId: string): Promise<Order | null> =>
  guard('getOrder', async () => {
    const { data } = await ctx.svc.entities.order
      .get({ clientOrderId })
      .go({ originalErr: true, consistent: true });
    return data ? data : null;
  });

/** Input of {@link updateOrderStatus}. */
export interface UpdateOrderStatusInput {
  clientOrderId: string;
  /** The version the order must be at now; the write is refused otherwise. */
  expectedVersion: number;
  status: OrderStatus;
  brokerOrderId?: string;
  filledQty?: string;
  filledNotional?: string;
  reason?: string;
}

export const updateOrderStatus = async (
  ctx: Ctx,
  input: UpdateOrderStatusInput,
): Promise<TransitionResult<Order>> => {
  const at = ctx.now();
  const entry = { status: input.status, at, ...(input.reason === undefined ? {} : { reason: input.reason }) };
  const updated = await conditionalItem('updateOrderStatus', () =>
    ctx.svc.entities.order
      .patch({ clientOrderId: input.clientOrderId })
      .set({
        status: input.status,
        version: input.expectedVersion + 1,
        updatedAt: at,
        ...(input.brokerOrderId === undefined ? {} : { brokerOrderId: input.brokerOrderId }),
        ...(input.filledQty === undefined ? {} : { filledQty: str(new D(input.filledQty)) }),
        ...(input.filledNotional === undefined ? {} : { filledNotional: str(new D(input.filledNotional)) }),
      })
      .append({ statusHistory: [entry] })
      .where(({ version }, { eq }) => eq(version, input.expectedVersion))
      .go({ originalErr: true, response: 'all_new' }),
  );
  // The written item comes back with the write; only a failed condition needs a read.
  if (updated) return { status: 'updated', item: updated };
  const current = await getOrder(ctx, input.clientOrderId);
  // The entry written by the transition from version v sits at index v (index 0 is INTENT, version 1).
  const written = current?.statusHistory[input.expectedVersion];
  const replayed =
    current !== null &&
    written?.status === input.status &&
    (input.brokerOrderId === undefined || current.brokerOrderId === input.brokerOrderId);
  return replayed ? { status: 'replayed', item: current } : { status: 'conflict', current };
};

export const listOrdersOfRun = (ctx: Ctx, runId: string, options: PageOptions = {}): Promise<Page<Order>> =>
  guard('listOrdersOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.order.query.byRun({ runId }).go(pageOf(options));
    return { data, cursor };
  });

export const listOrdersOfBook = (
  ctx: Ctx,
  bookId: BookId,
  options: DayRangeOptions = {},
): Promise<Page<Order>> =>
  guard('listOrdersOfBook', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.order.query
      .byBookDay({ bookId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

/** Input of {@link recordFill}. */
export interface RecordFillInput {
  /** The broker's execution id (or one derived from it deterministically). */
  fillId: string;
  clientOrderId: string;
  runId: string;
  tradingDay: TradingDay;
  bookId: BookId;
  symbol: string;
  side: Side;
  qty: string;
  price: string;
  /**
   * Cash the fill moved before fees, as the broker booked it (brokers round to cents).
   * @default qty × price
   */
  notional?: string;
  /** @default "0" */
  fee?: string;
  filledAt: string;
}

export const recordFill = (ctx: Ctx, input: RecordFillInput): Promise<RecordResult<Fill>> => {
  const qty = new D(input.qty);
  const price = new D(input.price);
  const fill: Fill = {
    ...input,
    qty: str(qty),
    price: str(price),
    notional: str(input.notional === undefined ? qty.times(price) : new D(input.notional)),
    fee: str(new D(input.fee ?? '0')),
  };
  return createOnce(
    'recordFill',
    fill,
    () => ctx.svc.entities.fill.create(fill).go({ originalErr: true }),
    () => getFill(ctx, input.fillId),
    (e) => sameOn(fill, e, ['clientOrderId', 'bookId', 'symbol', 'side', 'qty', 'price', 'notional', 'fee']),
  );
};

export const getFill = (ctx: Ctx, fillId: string): Promise<Fill | null> =>
  guard('getFill', async () => {
    const { data } = await ctx.svc.entities.fill.get({ fillId }).go({ originalErr: true, consistent: true });
    return data ? data : null;
  });

export const listFillsOfRun = (ctx: Ctx, runId: string, options: PageOptions = {}): Promise<Page<Fill>> =>
  guard('listFillsOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.fill.query.byRun({ runId }).go(pageOf(options));
    return { data, cursor };
  });

export const listFillsOfOrder = (
  ctx: Ctx,
  order: { runId: string; clientOrderId: string },
  options: PageOptions = {},
): Promise<Page<Fill>> =>
  guard('listFillsOfOrder', async () => {
    const { data, cursor } = await ctx.svc.entities.fill.query
      .byRun({ runId: order.runId, clientOrderId: order.clientOrderId })
      // begins_with on a partial sort key also matches ids that extend this one: keep exact matches only.
      .where(({ clientOrderId }, { eq }) => eq(clientOrderId, order.clientOrderId))
      .go(pageOf(options));
    return { data, cursor };
  });

export const listFillsOfBook = (
  ctx: Ctx,
  bookId: BookId,
  options: DayRangeOptions = {},
): Promise<Page<Fill>> =>
  guard('listFillsOfBook', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.fill.query
      .byBookDay({ bookId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });
