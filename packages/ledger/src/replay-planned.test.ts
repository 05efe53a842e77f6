/**
 * Replay of planner-driven days (core planRebalance / planPool → recordPlan → order intents → fills →
 * applyFill → NAV): issuing every write twice, re-running whole days, or crashing mid-day and re-running
 * all leave the table exactly as one clean pass does.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerRepository } from './repository/index.ts';
import { forEachServerLong, newTestLedger, planDay } from './testing/index.ts';

const DAYS = ['2025-01-02', '2025-01-03'];

const WRITES = /^(record|apply|update|create|set|claim|finalize|release|mark|acquire)/;

/** A ledger that sends every write twice (the second must be a no-op). */
const doubled = (ledger: LedgerRepository): LedgerRepository =>
  new Proxy(ledger, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || !WRITES.test(prop)) return value;
      return async (...args: unknown[]) => {
        await value.apply(target, args);
        return value.apply(target, args);
      };
    },
  });

forEachServerLong('ledger replay of planned days', (endpoint) => {
  describe('planDay', () => {
    it('every write twice, and whole days again, leave the state of one clean pass', async () => {
      // Arrange: the reference, one clean pass over two days.
      const ref = await newTestLedger(endpoint());
      for (const day of DAYS) await planDay(ref.ledger, { day });
      const expected = await ref.scan();
      // Act
      const twice = await newTestLedger(endpoint());
      for (const day of DAYS) await planDay(doubled(twice.ledger), { day });
      for (const day of DAYS) await planDay(twice.ledger, { day });
      // Assert
      expect(await twice.scan()).toEqual(expected);
      const orders = [
        ...(await ref.ledger.listOrdersOfRun('2025-01-02.rebalance')).data,
        ...(await ref.ledger.listOrdersOfRun('2025-01-03.rebalance')).data,
      ];
      expect(orders.some((o) => o.side === 'sell')).toBe(true);
      expect(orders.every((o) => o.status === 'FILLED' && o.filledQty === o.requestedQty)).toBe(true);
      expect((await ref.ledger.listNavOfDay('2025-01-03')).data).toHaveLength(3);
      expect((await ref.ledger.listPoolAttributionsOfRun('2025-01-03.rebalance')).data).toHaveLength(2);
      expect((await ref.ledger.getRun('2025-01-03.rebalance'))?.flows).toEqual({
        alpha: 'per-book',
        beta: 'per-book',
        delta: 'aggregated',
        epsilon: 'aggregated',
      });
    }, 180_000);

    it('a crash anywhere in a planned day, then a re-run, gives the state of an uninterrupted day', async () => {
      // Reference: one clean day, its writes counted.
      const ref = await newTestLedger(endpoint());
      const counting = ref.countingLedger();
      await planDay(counting.ledger, { day: DAYS[0]! });
      const expected = await ref.scan();
      const total = counting.writes();
      // Crash points: the first writes (funding, run) and five spread over the rest, the last included.
      const spread = Array.from({ length: 5 }, (_, i) => Math.floor(((i + 1) * total) / 5) - 1);
      for (const crashAfter of [...new Set([0, 1, 2, ...spread])]) {
        const t = await newTestLedger(endpoint());
        await expect(planDay(t.crashingLedger(crashAfter), { day: DAYS[0]! })).rejects.toThrow(
          /simulated crash at before write/,
        );
        await planDay(t.ledger, { day: DAYS[0]! });
        expect(await t.scan(), `crash after ${crashAfter} of ${total} writes`).toEqual(expected);
      }
      expect(total).toBeGreaterThan(50);
    }, 180_000);
  });
});
