/**
 * Plan: the orders planned for one book in one run, each with its quantity, as-of price, notional and reason.
 * Written once per (run, book).
 */
import { Side } from '@ensemble/core';
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { byBookDay, byRun, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createPlanEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'plan', version: '1', service },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      bookId: { type: 'string', required: true, readOnly: true },
      /**
       * The orders, in execution order (sells first). `price` and `notional` are absent on plans recorded
       * before they were stored (those wrote them into `reason`); `recordPlan` requires them.
       */
      orders: {
        type: 'list',
        required: true,
        items: {
          type: 'map',
          properties: {
            symbol: { type: 'string', required: true },
            side: { type: Side.options, required: true },
            qty: { type: 'string' },
            /** The as-of price the planner sized the order at. */
            price: { type: 'string' },
            /** qty × price: the order's value when planned. */
            notional: { type: 'string' },
            reason: { type: 'string', required: true },
          },
        },
      },
      /**
       * The book's NAV at the as-of prices the plan was made at (the per-order cap's basis in execution);
       * absent on plans recorded before it was stored, and on a pool's explicit hold.
       */
      nav: { type: 'string' },
      recordedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: primary(['runId'], ['bookId']),
      byRun: byRun(['bookId']),
      byBookDay: byBookDay('runId'),
    },
  });

export type PlanItem = EntityItem<ReturnType<typeof createPlanEntity>>;
export type CreatePlanItem = CreateEntityItem<ReturnType<typeof createPlanEntity>>;
