import { describe, expect, it } from 'vitest';
import { forEachServer, newTestLedger } from './testing/index.ts';

forEachServer('ledger ops', (endpoint) => {
  describe('kill switch', () => {
    it('is off until set, then reads back what was set', async () => {
      // Arrange
      const { ledger } = await newTestLedger(endpoint());
      // Act
      const before = await ledger.getKillSwitch();
      await ledger.setKillSwitch({ enabled: true, reason: 'drawdown alarm', updatedBy: 'ops' });
      // Assert
      expect(before).toEqual({ enabled: false, reason: '', updatedBy: '', updatedAt: null });
      expect(await ledger.getKillSwitch()).toEqual({
        enabled: true,
        reason: 'drawdown alarm',
        updatedBy: 'ops',
        updatedAt: '2025-01-02T21:00:00.000Z',
      });
    });
  });

  describe('leases', () => {
    const t0 = new Date('2025-01-02T20:00:00.000Z');
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

    it('grants a free lease, refuses another holder until expiry, lets the holder renew', async () => {
      const { ledger } = await newTestLedger(endpoint());
      const a = await ledger.acquireLease({ symbol: 'SPY', holder: 'w1', ttlSeconds: 30, now: t0 });
      const b = await ledger.acquireLease({ symbol: 'SPY', holder: 'w2', ttlSeconds: 30, now: at(29) });
      const renew = await ledger.acquireLease({ symbol: 'SPY', holder: 'w1', ttlSeconds: 30, now: at(29) });
      const stillHeld = await ledger.acquireLease({
        symbol: 'SPY',
        holder: 'w2',
        ttlSeconds: 30,
        now: at(40),
      });
      const expired = await ledger.acquireLease({ symbol: 'SPY', holder: 'w2', ttlSeconds: 30, now: at(60) });
      const other = await ledger.acquireLease({ symbol: 'QQQ', holder: 'w2', ttlSeconds: 30, now: at(1) });
      expect(a).toMatchObject({
        acquired: true,
        lease: { holder: 'w1', expiresAt: '2025-01-02T20:00:30.000Z' },
      });
      expect(b).toMatchObject({ acquired: false, current: { holder: 'w1' } });
      expect(renew).toMatchObject({ acquired: true, lease: { expiresAt: '2025-01-02T20:00:59.000Z' } });
      expect(stillHeld.acquired).toBe(false);
      expect(expired).toMatchObject({ acquired: true, lease: { holder: 'w2' } });
      expect(other.acquired).toBe(true);
    });

    it('releases only for its holder', async () => {
      const { ledger } = await newTestLedger(endpoint());
      await ledger.acquireLease({ symbol: 'SPY', holder: 'w1', ttlSeconds: 30, now: t0 });
      expect(await ledger.releaseLease({ symbol: 'SPY', holder: 'w2' })).toEqual({ released: false });
      expect(await ledger.releaseLease({ symbol: 'SPY', holder: 'w1' })).toEqual({ released: true });
      expect(await ledger.releaseLease({ symbol: 'SPY', holder: 'w1' })).toEqual({ released: false });
      expect(
        (await ledger.acquireLease({ symbol: 'SPY', holder: 'w2', ttlSeconds: 30, now: at(1) })).acquired,
      ).toBe(true);
    });
  });

  describe('daily notional reservations', () => {
    it('reserves within the limit, once per key, and never passes the limit', async () => {
      const { ledger } = await newTestLedger(endpoint());
      const r = (key: string, cents: number, scope = 'account') =>
        ledger.reserveNotional({ day: '2025-01-02', scope, key, cents, limitCents: 10_000 });
      expect(await r('a', 6_000)).toEqual({ status: 'reserved', totalCents: 6_000 });
      // The same execution again (a retry, a redrive): counted once.
      expect(await r('a', 6_000)).toEqual({ status: 'already-reserved', totalCents: 6_000 });
      // Another would pass the limit: nothing added.
      expect(await r('b', 4_001)).toEqual({ status: 'over-limit', totalCents: 6_000 });
      expect(await r('b', 4_000)).toEqual({ status: 'reserved', totalCents: 10_000 });
      // Larger than the limit on its own, on a fresh scope.
      expect(await r('c', 10_001, 'strategy#x')).toEqual({ status: 'over-limit', totalCents: 0 });
      // Concurrent reservations: exactly as many as fit.
      const many = await Promise.all(Array.from({ length: 8 }, (_, i) => r(`k${i}`, 3_000, 'strategy#y')));
      expect(many.filter((m) => m.status === 'reserved')).toHaveLength(3);
      expect((await r('k0', 3_000, 'strategy#y')).totalCents).toBe(9_000);
    });
  });

  describe('isolation', () => {
    it('keeps two ledgers on two tables apart', async () => {
      const one = await newTestLedger(endpoint());
      const two = await newTestLedger(endpoint());
      await one.ledger.setKillSwitch({ enabled: true, reason: 'r', updatedBy: 'u' });
      expect((await two.ledger.getKillSwitch()).enabled).toBe(false);
      expect(await two.scan()).toEqual([]);
    });
  });
});
