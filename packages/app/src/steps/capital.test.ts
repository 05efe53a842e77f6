/**
 * Capital at PrepareRun, on real components: a change of capital policy on an existing home is applied the
 * next run (a forced rebalance to the new targets, reported as a capital plan), never ignored; the periodic
 * capital check runs on the first run of its period only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveDay, startWorld, stepsOf, type World } from '../testing/world.ts';

describe('capital at PrepareRun', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it('applies a switch from fixed to equal allocations at the next run, and records the new allocations', async () => {
    // Arrange: a Monday funded with the fixed allocations (tqqq-ftlt-2 0.193, simons-full-kmlm 0.052, ...).
    world.setDay('2025-11-24');
    await driveDay(stepsOf(world), '2025-11-24');
    expect((await world.ledger.getFlowState()).allocations?.['tqqq-ftlt-2']).toBe('0.193');
    const equal = { ...world.config, account: { ...world.config.account, capitalPolicy: 'equal' as const } };
    // Act: Tuesday, the operator has switched to equal allocations (not the first run of the week).
    world.setDay('2025-11-25');
    await driveDay(stepsOf(world, { config: equal }), '2025-11-25');
    // Assert: the day's capital plan brought every book to a tenth, cash first (largest book gives most).
    const plan = await world.ledger.getTransferPlan('capital:2025-11-25');
    expect(plan?.status).toBe('APPLIED');
    expect(plan?.reason).toMatch(/^allocations changed: every book to its new target; cash first/);
    expect(plan?.transfers.some((t) => t.from === 'strategy#tqqq-ftlt-2')).toBe(true);
    expect(plan?.transfers.some((t) => t.to === 'strategy#simons-full-kmlm')).toBe(true);
    expect((await world.ledger.getFlowState()).allocations?.['tqqq-ftlt-2']).toBe('0.1');
    // The pool's members are re-weighted by their new allocations (equal).
    expect((await world.ledger.getFlowState()).poolShares).toEqual({
      'gold-currency': '0.5',
      'kmlm-switcher': '0.5',
    });
  });

  it('checks the capital band on the first run of its period only (weekly by default)', async () => {
    // Act: Wednesday (same week, same allocations), then the next Monday.
    const equal = { ...world.config, account: { ...world.config.account, capitalPolicy: 'equal' as const } };
    const checks = () => world.logs.filter((l) => l.message === 'capital').length;
    const counted: number[] = [];
    for (const day of ['2025-11-26', '2025-12-01']) {
      const before = checks();
      world.setDay(day);
      await driveDay(stepsOf(world, { config: equal }), day);
      counted.push(checks() - before);
    }
    // Assert: no check on Wednesday, one on Monday; no capital plan on Wednesday.
    expect(counted).toEqual([0, 1]);
    expect(await world.ledger.getTransferPlan('capital:2025-11-26')).toBeNull();
  });
});
