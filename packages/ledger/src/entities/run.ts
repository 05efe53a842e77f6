/**
 * Run: one per trading day and stage (`runId` = `<day>.<stage>`). Holds status, as-of date, the data snapshot
 * reference, the flag values in force and timings. Heads the `runTimeline` collection on gsi1.
 */
import { RunStatus } from '@ensemble/core';
import { type CreateEntityItem, Entity, type EntityItem } from 'electrodb';
import { allOnGsi2, byRun, primary } from './indexes.ts';

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createRunEntity = () =>
  new Entity({
    model: { entity: 'run', version: '1', service: 'ensemble' },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      stage: { type: 'string', required: true, readOnly: true },
      status: { type: RunStatus.options, required: true },
      asOf: { type: 'string', required: true },
      dataSnapshot: { type: 'string', required: true },
      flags: { type: 'any', required: true },
      statusHistory: {
        type: 'list',
        required: true,
        items: {
          type: 'map',
          properties: { status: { type: 'string', required: true }, at: { type: 'string', required: true } },
        },
      },
      error: { type: 'any' },
      equity: { type: 'any' },
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
