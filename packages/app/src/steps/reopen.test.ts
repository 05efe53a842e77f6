/**
 * A day that did not trade as planned, traded again once its cause is fixed: a start with `reopen` moves a
 * BLOCKED or FAILED run back to RUNNING and runs its branches again, each step finding what the earlier
 * attempt recorded. A strategy disabled since the run started trades nothing new, and what it had already
 * placed at the broker is followed and booked (never the unsafe mix of a disabled strategy trading).
 */
import { SimulatedCrash } from '@ensemble/core';
import { reconcile, unallocatedFromTransfers } from '@ensemble/execution';
import { allPages } from '@ensemble/ledger';
import type { TaskName } from '@ensemble/workflow/contract';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultInjector } from '../ports.ts';
import type { Step } from '../tasks.ts';
import { driveDay, startWorld, stepsOf, type World } from '../testing/world.ts';

const D = '2025-11-28';
const RUN = `${D}.local`;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const outcomes = async (w: World) =>
  Object.fromEntries(
    (await allPages((o) => w.ledger.listStrategyRunsOfRun(RUN, o))).map((s) => [s.strategyId, s.outcome]),
  );
/** `steps` in an execution that dies right after its first Finalize (before any second run). */
const diesAfterFinalize = (steps: Record<TaskName, Step>): Record<TaskName, Step> => {
  let finalized = false;
  return Object.fromEntries(
    Object.entries(steps).map(([task, step]) => [
      task,
      async (input: unknown) => {
        if (finalized) throw new SimulatedCrash('the execution died after Finalize');
        const output = await step(input);
        finalized = task === 'Finalize';
        return output;
      },
    ]),
  ) as Record<TaskName, Step>;
};

const reconciled = async (w: World) =>
  (
    await reconcile({
      ledger: w.ledger,
      broker: w.broker,
      unallocatedCash: await unallocatedFromTransfers(w.ledger, w.config.account.startingCash),
    })
  ).differences;

describe('reopening a day', () => {
  it('after the kill switch is lifted, a reopened day trades what the switch blocked', async () => {
    // Arrange: the day ran with the kill switch on
    const w = (world = await startWorld());
    w.setDay(D);
    await w.ledger.setKillSwitch({ enabled: true, reason: 'test', updatedBy: 'test' });
    const blocked = await driveDay(stepsOf(w), D);
    expect(blocked.finalize?.status).toBe('BLOCKED');
    await w.ledger.setKillSwitch({ enabled: false, reason: 'lifted', updatedBy: 'test' });
    // Act: a plain second start is skipped; a start with reopen trades
    const skipped = await driveDay(stepsOf(w), D);
    const reopened = await driveDay(stepsOf(w), D, { reopen: true });
    // Assert
    expect(skipped.prepare).toMatchObject({ action: 'SKIP', reason: 'already ran (BLOCKED)' });
    expect(reopened.prepare.action).toBe('TRADE');
    expect(reopened.finalize).toMatchObject({ status: 'SUCCEEDED', reconciliation: { ok: true } });
    expect((await w.ledger.getRun(RUN))?.statusHistory.map((h) => h.status)).toEqual([
      'RUNNING',
      'BLOCKED',
      'RUNNING',
      'SUCCEEDED',
    ]);
    const perBook = w.config.strategies.filter((s) => s.flow === 'per-book').map((s) => s.id);
    const after = await outcomes(w);
    for (const id of perBook) expect([id, after[id]]).toEqual([id, 'TRADED']);
    expect(await reconciled(w)).toEqual([]);
    // A second reopen finds a SUCCEEDED run: nothing more.
    expect((await driveDay(stepsOf(w), D, { reopen: true })).prepare.action).toBe('SKIP');
  });

  it('a strategy disabled since its run failed places nothing new; what it placed is booked', async () => {
    // Arrange: tqqq-ftlt-2 dies right after its first order reached the broker, in the first run, and the
    // execution dies before its second run
    const w = (world = await startWorld());
    w.setDay(D);
    const crash: FaultInjector = (at) => {
      if (at.strategyId === 'tqqq-ftlt-2' && at.point === 'after-submit') throw new SimulatedCrash(at.point);
    };
    const failed = await driveDay(diesAfterFinalize(stepsOf(w, { fault: crash })), D);
    expect(failed.finalize?.status).toBe('FAILED');
    expect(await reconciled(w)).not.toEqual([]);
    const placed = (await allPages((o) => w.ledger.listOrdersOfRun(RUN, o))).filter((o) =>
      o.clientOrderId.includes('_s-tqqq-ftlt-2_'),
    );
    // Act: the operator disables it, then reopens the day
    const config = {
      ...w.config,
      strategies: w.config.strategies.map((s) => (s.id === 'tqqq-ftlt-2' ? { ...s, enabled: false } : s)),
    };
    const reopened = await driveDay(stepsOf(w, { config }), D, { reopen: true });
    // Assert: BLOCKED by the disabled rail, no order beyond those it had placed, the books reconciled
    expect(reopened.branches.find((b) => b.strategyId === 'tqqq-ftlt-2')?.outcome).toBe('BLOCKED');
    expect((await outcomes(w))['tqqq-ftlt-2']).toBe('BLOCKED');
    const now = (await allPages((o) => w.ledger.listOrdersOfRun(RUN, o))).filter((o) =>
      o.clientOrderId.includes('_s-tqqq-ftlt-2_'),
    );
    const atBroker = await Promise.all(now.map((o) => w.broker.getOrderByClientId(o.clientOrderId)));
    expect(now.map((o) => o.clientOrderId).sort()).toEqual(placed.map((o) => o.clientOrderId).sort());
    expect(atBroker.filter((o) => o !== null)).toHaveLength(1);
    expect(await reconciled(w)).toEqual([]);
  });
});
