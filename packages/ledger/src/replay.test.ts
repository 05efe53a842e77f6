import { describe, expect, it } from 'vitest';
import { forEachServerLong, newTestLedger, simulateDay } from './testing/index.ts';

forEachServerLong('ledger replay', (endpoint) => {
  describe('simulated day', () => {
    it('replaying every write of a 20-book day leaves the table identical', async () => {
      // Arrange
      const t = await newTestLedger(endpoint());
      await simulateDay(t.ledger, { strategies: 20 });
      const once = await t.scan();
      // Act
      await simulateDay(t.ledger, { strategies: 20 });
      // Assert
      expect(once.length).toBeGreaterThan(250);
      expect(await t.scan()).toEqual(once);
      const pool = await t.ledger.getBook('pool');
      expect(pool.positions.length).toBeGreaterThan(0);
      expect((await t.ledger.listNavOfDay('2025-01-02', { limit: 100 })).data).toHaveLength(16);
    });

    it('a crash at any write of a small day, then a re-run, gives the state of an uninterrupted day', async () => {
      const ref = await newTestLedger(endpoint());
      await simulateDay(ref.ledger, { strategies: 4, symbolsPerStrategy: 2 });
      const expected = await ref.scan();
      let reachedEnd = false;
      for (let crashAfter = 0; crashAfter < 1000 && !reachedEnd; crashAfter += 3) {
        const t = await newTestLedger(endpoint());
        let crashed = true;
        try {
          await simulateDay(t.crashingLedger(crashAfter), { strategies: 4, symbolsPerStrategy: 2 });
          crashed = false;
        } catch (e) {
          expect(String(e)).toMatch(/simulated crash at before write/);
        }
        await simulateDay(t.ledger, { strategies: 4, symbolsPerStrategy: 2 });
        expect(await t.scan(), `crash after ${crashAfter} writes`).toEqual(expected);
        reachedEnd = !crashed;
      }
      // The loop ran until a crash point past the day's last write: every third write was covered.
      expect(reachedEnd).toBe(true);
    }, 180_000); // took 57-60 s per server with the 2 shared cores saturated (load 13-16)
  });
});
