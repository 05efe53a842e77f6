import { describe, expect, it } from 'vitest';
import { forEachLimit } from './concurrency.ts';

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe('forEachLimit', () => {
  it('runs every item once, never more than the limit at a time', async () => {
    // Arrange
    const seen: number[] = [];
    let inFlight = 0;
    let peak = 0;
    // Act
    await forEachLimit([...Array(20).keys()], 3, async (item, index) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await tick();
      expect(index).toBe(item);
      seen.push(item);
      inFlight -= 1;
    });
    // Assert
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(peak).toBe(3);
  });

  it('stops starting calls after a failure, waits for those in flight, and rethrows the first failure', async () => {
    // Arrange
    const started: number[] = [];
    const settled: number[] = [];
    // Act
    const run = forEachLimit([0, 1, 2, 3, 4, 5, 6, 7], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 2) throw new Error('boom 2');
      if (item === 3) throw new Error('boom 3');
      await tick();
      settled.push(item);
    });
    // Assert
    await expect(run).rejects.toThrow('boom 2');
    expect(started).toEqual([0, 1, 2, 3]);
    expect(settled).toEqual([0, 1]);
  });

  it('does nothing for no items and refuses a limit below 1', async () => {
    await expect(forEachLimit([], 4, async () => {})).resolves.toBeUndefined();
    await expect(forEachLimit([1], 0, async () => {})).rejects.toThrow(RangeError);
  });
});
