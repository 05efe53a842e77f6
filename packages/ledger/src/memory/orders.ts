/**
 * The {@link OrderLedger} role in memory: orders created once as INTENT and moved conditionally on their
 * version; fills recorded once and applied once, in one step, through the same effects as the DynamoDB
 * journal (core's book math).
 */
import { LedgerNotFoundError } from '../errors.ts';
import { fillEffects } from '../repository/effects.ts';
import type { OrderLedger } from '../repository/orders.ts';
import {
  isReplayedOrderMove,
  newFill,
  newOrder,
  orderStatusChange,
  SameOn,
  sameOn,
} from '../repository/records.ts';
import { applyEffects } from './journal.ts';
import { createOnce, type MemoryCtx } from './store.ts';
import { composite } from './table.ts';

/** The {@link OrderLedger} over a memory store. */
export const memoryOrderLedger = (m: MemoryCtx): OrderLedger => {
  const { orders, fills } = m.store;
  return {
    recordOrderIntent: async (input) => {
      const order = newOrder(input, m.now());
      return createOnce(m, 'recordOrderIntent', orders, order, (e) => sameOn(order, e, SameOn.order));
    },
    getOrder: async (clientOrderId) => orders.get(clientOrderId) ?? null,
    updateOrderStatus: async (input) => {
      const { set, entry } = orderStatusChange(input, m.now());
      m.write('updateOrderStatus');
      const current = orders.get(input.clientOrderId) ?? null;
      if (current?.version === input.expectedVersion) {
        const item = orders.put({ ...current, ...set, statusHistory: [...current.statusHistory, entry] });
        return { status: 'updated', item };
      }
      return current !== null && isReplayedOrderMove(current, input)
        ? { status: 'replayed', item: current }
        : { status: 'conflict', current };
    },
    listOrdersOfRun: async (runId, o) => orders.page('byRun', runId, o),
    listOrdersOfBook: async (bookId, o) => orders.page('byBookDay', bookId, o),
    recordFill: async (input) => {
      const fill = newFill(input);
      return createOnce(m, 'recordFill', fills, fill, (e) => sameOn(fill, e, SameOn.fill));
    },
    applyFill: async (fillId) => {
      const fill = fills.get(fillId);
      if (!fill) throw new LedgerNotFoundError('fill', fillId);
      if (fill.appliedAt !== undefined) return { status: 'already-applied' };
      applyEffects(m, 'applyFill', `fill:${fillId}`, fillEffects(fill), () =>
        fills.put({ ...fill, appliedAt: m.now() }),
      );
      return { status: 'applied' };
    },
    getFill: async (fillId) => fills.get(fillId) ?? null,
    listFillsOfRun: async (runId, o) => fills.page('byRun', runId, o),
    listFillsOfOrder: async (order, o) =>
      fills.page('byOrder', composite(order.runId, order.clientOrderId), o),
    listFillsOfBook: async (bookId, o) => fills.page('byBookDay', bookId, o),
  };
};
