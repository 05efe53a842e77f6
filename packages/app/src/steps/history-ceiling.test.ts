/**
 * A configuration too wide for one execution's history (Step Functions: 25,000 events) is refused by
 * PrepareRun, the day's first step, before anything is recorded or traded (on a deployed stage; locally
 * `ensemble run` refuses it before the run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, stepsOf, type World } from '../testing/world.ts';

describe('the history ceiling in PrepareRun', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it('refuses 713 per-book strategies, naming the limit and the way past it, and records no run', async () => {
    const gold = world.config.strategies.find((s) => s.id === 'gold')!;
    const config = {
      ...world.config,
      strategies: Array.from({ length: 713 }, (_, i) => ({
        ...gold,
        id: `gold-${i}`,
        allocation: 0.001,
        flow: 'per-book' as const,
      })),
    };
    world.setDay('2025-11-28');
    const prepare = stepsOf(world, { config }).PrepareRun({
      input: { tradingDay: '2025-11-28', stage: 'dev' },
      execution: { id: 'exec', name: '2025-11-28' },
    });
    await expect(prepare).rejects.toThrow(
      /713 enabled strategies \(713 per-book, 0 aggregated\) make a day of 20009 Step Functions history events.*at most 712 per-book strategies/,
    );
    expect(await world.ledger.getRun('2025-11-28.dev')).toBeNull();
  });
});
