/**
 * AggregatePool: merges the pool members' signals (each scaled by its pool share) and records, once per
 * member, its PoolAttribution for the run: share, capital (share × pool NAV at D's prices), the weights it
 * contributed, and its slice of the pool's holdings. Attributions already recorded for the run are kept;
 * with a member lacking a signal the pool holds (see pool.ts) and nothing is attributed.
 */

import { mergeTargets, POOL_BOOK, valueBook } from '@ensemble/core';
import {
  allPages,
  type BookLedger,
  type PlanLedger,
  type SignalLedger,
  type TransferLedger,
} from '@ensemble/ledger';
import type { AggregatePoolOutput, RunRef } from '@ensemble/workflow/contract';
import { Decimal } from 'decimal.js';
import { RecordConflictError } from '../errors.ts';
import type { StepDeps } from '../step-deps.ts';
import { task } from '../task.ts';
import { pricesFor } from './plan-rebalance.ts';
import { poolMembers } from './pool.ts';

/** The ledger roles AggregatePool uses. */
type Ledger = SignalLedger & PlanLedger & BookLedger & Pick<TransferLedger, 'getFlowState'>;

export const aggregatePool = async (deps: StepDeps<Ledger>, input: RunRef): Promise<AggregatePoolOutput> => {
  const { ledger } = deps.ports;
  const { logger } = deps.observe;
  const members = await poolMembers(ledger, input.runId);
  const ids = Object.keys(members.shares).sort();
  if (ids.length === 0) return { members: 0, targets: 0 };
  if (members.missing.length > 0) {
    logger.warn('pool members without a signal: the pool holds', { missing: members.missing });
    return { members: ids.length, targets: 0 };
  }

  const pool = await ledger.getBook(POOL_BOOK);
  const snapshot = await deps.readSnapshot(input.snapshotRef);
  const nav = new Decimal(
    valueBook(
      pool,
      pricesFor(
        snapshot,
        pool.positions.map((p) => p.symbol),
      ),
    ).nav,
  );
  // Recorded attributions stand: after the pool traded, recomputing them would describe another pool.
  const recorded = new Set(
    (await allPages((o) => ledger.listPoolAttributionsOfRun(input.runId, o))).map((a) => a.strategyId),
  );
  for (const id of ids.filter((x) => !recorded.has(x))) {
    const share = new Decimal(members.shares[id]!);
    const r = await ledger.recordPoolAttribution({
      runId: input.runId,
      tradingDay: input.tradingDay,
      strategyId: id,
      fraction: share.toFixed(),
      capital: share.times(nav).toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(),
      weights: { ...(members.targets[id] ?? {}) },
      holdings: Object.fromEntries(
        pool.positions.map((p) => [
          p.symbol,
          share.times(p.qty).toDecimalPlaces(9, Decimal.ROUND_DOWN).toFixed(),
        ]),
      ),
    });
    if (r.status === 'conflict') throw new RecordConflictError('pool attribution', `${input.runId}/${id}`);
  }
  return { members: ids.length, targets: Object.keys(mergeTargets(members.shares, members.targets)).length };
};

/** The `AggregatePool` task. */
export const aggregatePoolTask = task('AggregatePool', aggregatePool);
