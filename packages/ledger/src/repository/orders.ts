/**
 * The {@link OrderLedger} role. An order is created once as INTENT under its deterministic client order id,
 * then moved by `updateOrderStatus` conditional on the expected version; a replayed transition is recognised
 * from the history entry it wrote. Its fills (fills.ts) are recorded once and applied once to its book.
 */
import type {
  ApplyResult,
  BookId,
  DayRangeOptions,
  Fill,
  Order,
  Page,
  PageOptions,
  RecordResult,
  TransitionResult,
} from '../types.ts';
import { type Ctx, conditionalItem, createOnce, guard, sameOn } from './context.ts';
import {
  applyFill,
  getFill,
  listFillsOfBook,
  listFillsOfOrder,
  listFillsOfRun,
  type RecordFillInput,
  recordFill,
} from './fills.ts';
import type { RecordOrderIntentInput, UpdateOrderStatusInput } from './inputs.ts';
import { dayBounds, pageOf } from './paging.ts';
import { isReplayedOrderMove, newOrder, orderStatusChange, SameOn } from './records.ts';

export type { RecordOrderIntentInput, UpdateOrderStatusInput } from './inputs.ts';

/** Orders (intent, then the broker's view of them) and their fills, applied once to the books. */
export interface OrderLedger {
  /** Create an order as INTENT under its client order id, once. */
  recordOrderIntent(input: RecordOrderIntentInput): Promise<RecordResult<Order>>;
  /** Get an order by client order id, or null. */
  getOrder(clientOrderId: string): Promise<Order | null>;
  /** Move an order to a status if it is at `expectedVersion`, appending to its history. */
  updateOrderStatus(input: UpdateOrderStatusInput): Promise<TransitionResult<Order>>;
  /** List the orders of a run. */
  listOrdersOfRun(runId: string, options?: PageOptions): Promise<Page<Order>>;
  /** List a book's orders by day. */
  listOrdersOfBook(bookId: BookId, options?: DayRangeOptions): Promise<Page<Order>>;
  /** Record a fill under its fill id, once (it does not touch the book: see applyFill). */
  recordFill(input: RecordFillInput): Promise<RecordResult<Fill>>;
  /** Apply a recorded fill to its book's position and cash, exactly once. */
  applyFill(fillId: string): Promise<ApplyResult>;
  /** Get a fill by id, or null. */
  getFill(fillId: string): Promise<Fill | null>;
  /** List the fills of a run. */
  listFillsOfRun(runId: string, options?: PageOptions): Promise<Page<Fill>>;
  /** List the fills of one order. */
  listFillsOfOrder(
    order: { runId: string; clientOrderId: string },
    options?: PageOptions,
  ): Promise<Page<Fill>>;
  /** List a book's fills by day. */
  listFillsOfBook(bookId: BookId, options?: DayRangeOptions): Promise<Page<Fill>>;
}

const recordOrderIntent = (ctx: Ctx, input: RecordOrderIntentInput): Promise<RecordResult<Order>> => {
  const order = newOrder(input, ctx.now());
  return createOnce(
    'recordOrderIntent',
    order,
    () => ctx.svc.entities.order.create(order).go({ originalErr: true }),
    () => getOrder(ctx, input.clientOrderId),
    (e) => sameOn(order, e, SameOn.order),
  );
};

const getOrder = (ctx: Ctx, clientOrderId: string): Promise<Order | null> =>
  guard('getOrder', async () => {
    const { data } = await ctx.svc.entities.order
      .get({ clientOrderId })
      .go({ originalErr: true, consistent: true });
    return data;
  });

const updateOrderStatus = async (
  ctx: Ctx,
  input: UpdateOrderStatusInput,
): Promise<TransitionResult<Order>> => {
  const { set, entry } = orderStatusChange(input, ctx.now());
  const updated = await conditionalItem('updateOrderStatus', () =>
    ctx.svc.entities.order
      .patch({ clientOrderId: input.clientOrderId })
      .set(set)
      .append({ statusHistory: [entry] })
      .where(({ version }, { eq }) => eq(version, input.expectedVersion))
      .go({ originalErr: true, response: 'all_new' }),
  );
  // The written item comes back with the write; only a failed condition needs a read.
  if (updated) return { status: 'updated', item: updated };
  const current = await getOrder(ctx, input.clientOrderId);
  return current !== null && isReplayedOrderMove(current, input)
    ? { status: 'replayed', item: current }
    : { status: 'conflict', current };
};

const listOrdersOfRun = (ctx: Ctx, runId: string, options: PageOptions = {}): Promise<Page<Order>> =>
  guard('listOrdersOfRun', async () => {
    const { data, cursor } = await ctx.svc.entities.order.query.byRun({ runId }).go(pageOf(options));
    return { data, cursor };
  });

const listOrdersOfBook = (ctx: Ctx, bookId: BookId, options: DayRangeOptions = {}): Promise<Page<Order>> =>
  guard('listOrdersOfBook', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.order.query
      .byBookDay({ bookId })
      .between({ tradingDay: from }, { tradingDay: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });

/** The {@link OrderLedger} over `ctx`. */
export const orderLedger = (ctx: Ctx): OrderLedger => ({
  recordOrderIntent: (input) => recordOrderIntent(ctx, input),
  getOrder: (clientOrderId) => getOrder(ctx, clientOrderId),
  updateOrderStatus: (input) => updateOrderStatus(ctx, input),
  listOrdersOfRun: (runId, options) => listOrdersOfRun(ctx, runId, options),
  listOrdersOfBook: (bookId, options) => listOrdersOfBook(ctx, bookId, options),
  recordFill: (input) => recordFill(ctx, input),
  applyFill: (fillId) => applyFill(ctx, fillId),
  getFill: (fillId) => getFill(ctx, fillId),
  listFillsOfRun: (runId, options) => listFillsOfRun(ctx, runId, options),
  listFillsOfOrder: (order, options) => listFillsOfOrder(ctx, order, options),
  listFillsOfBook: (bookId, options) => listFillsOfBook(ctx, bookId, options),
});
