/**
 * Run: one per trading day and stage (`runId` = `<day>.<stage>`). Holds status, as-of date, the data snapshot
 * reference, the flag values in force and timings. Heads the `runTimeline` collection on gsi1.
 */
import { RunStatus } from '@ensemble/core';
import { type CreateEntityItem, CustomAttributeType, Entity, type EntityItem } from 'electrodb';
import { z } from 'zod';
import { jsonRunEquity, storedError } from './attributes.ts';
import { allOnGsi2, byRun, primary } from './indexes.ts';

/** Flag values in force for a run. */
const Flags = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** A fresh entity (entities hold their client and table, so each ledger builds its own). */
export const createRunEntity = () =>
  new Entity({
    model: { entity: 'run', version: '1', service: 'ensemble' },
    attributes: {
      runId: { type: 'string', required: true, readOnly: true },
      tradingDay: { type: 'string', required: true, readOnly: true },
      stage: { type: 'string', required: true, readOnly: true },
      status: { type: RunStatus.options, required: true },
      /** The as-of date the strategies were evaluated at. */
      asOf: { type: 'string', required: true },
      /** Reference to the market-data snapshot used (e.g. a content hash or an object key). */
      dataSnapshot: { type: 'string', required: true },
      /** Flag values in force for this run. */
      flags: {
        type: CustomAttributeType<z.infer<typeof Flags>>('any'),
        get: (v: unknown) => Flags.parse(v),
        required: true,
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
