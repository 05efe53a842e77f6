/**
 * Run: one per trading day and stage (`runId` = `<day>.<stage>`). Holds status, as-of date, the data snapshot
 * reference, how each strategy is traded in it (its flows) and timings. Heads the `runTimeline` collection on gsi1.
 */
import { RunStatus } from '@ensemble/core';
import { type CreateEntityItem, CustomAttributeType, Entity, type EntityItem } from 'electrodb';
import type * as z from 'zod';
import { Flows, jsonRunEquity, storedError } from './attributes.ts';
import { allOnGsi2, byRun, primary } from './indexes.ts';
import { LEDGER_SERVICE } from './scope.ts';

/** A fresh entity in `service` (a scope: see scope.ts; entities hold their client and table, so each ledger builds its own). */
export const createRunEntity = (service: string = LEDGER_SERVICE) =>
  new Entity({
    model: { entity: 'run', version: '1', service },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      stage: { type: 'string', required: true, readOnly: true },
      status: { type: RunStatus.options, required: true },
      /** The as-of date the strategies were evaluated at. */
      asOf: { type: 'string', required: true },
      /** Reference to the market-data snapshot used (e.g. a content hash or an object key). */
      dataSnapshot: { type: 'string', required: true },
      /**
       * How each strategy is traded in this run (strategy id → flow): the FlowState's flows when the run was
       * created. Runs recorded before runs stored their flows (they kept `flow:<id>` flags) read as `{}`:
       * `watch: '*'` makes ElectroDB call the getter on every read, even when the attribute is absent.
       */
      flows: {
        type: CustomAttributeType<z.infer<typeof Flows>>('any'),
        required: true,
        watch: '*',
        get: (value: unknown) => Flows.parse(value ?? {}),
      },
      statusHistory: {
        type: 'list',
        required: true,
        items: {
          type: 'map',
          properties: {
            status: { type: RunStatus.options, required: true },
            at: { type: 'string', required: true },
          },
        },
      },
      error: storedError,
      /** The books' value at the run's start against the last NAV, as the equity breaker reads it. */
      equity: jsonRunEquity,
      startedAt: { type: 'string', required: true },
      updatedAt: { type: 'string', required: true },
      finishedAt: { type: 'string' },
    },
    indexes: {
      byId: primary(['runId'], []),
      byRun: byRun([]),
      byDay: allOnGsi2(['tradingDay', 'stage']),
    },
  });

export type RunItem = EntityItem<ReturnType<typeof createRunEntity>>;
export type CreateRunItem = CreateEntityItem<ReturnType<typeof createRunEntity>>;
