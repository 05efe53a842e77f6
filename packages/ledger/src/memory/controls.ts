/**
 * The {@link ControlLedger} role in memory: the kill switch, symbol leases (free, expired by the caller's
 * `now`, or already the caller's) and daily notional reservations within a limit, once per key.
 */
import type { ControlLedger } from '../repository/controls.ts';
import type { Lease } from '../types.ts';
import type { MemoryCtx } from './store.ts';
import { composite } from './table.ts';

/** The {@link ControlLedger} over a memory store. */
export const memoryControlLedger = (m: MemoryCtx): ControlLedger => {
  const { leases, notional } = m.store;
  return {
    getKillSwitch: async () =>
      m.store.killSwitch ?? { enabled: false, reason: '', updatedBy: '', updatedAt: null },
    setKillSwitch: async (input) => {
      const item = {
        enabled: input.enabled,
        reason: input.reason,
        updatedBy: input.updatedBy,
        updatedAt: m.now(),
      };
      m.write('setKillSwitch');
      m.store.killSwitch = Object.freeze(item);
      return { ...item };
    },
    acquireLease: async (input) => {
      const nowMs = input.now.getTime();
      const lease: Lease = {
        symbol: input.symbol,
        holder: input.holder,
        acquiredAt: input.now.toISOString(),
        expiresAt: new Date(nowMs + input.ttlSeconds * 1000).toISOString(),
      };
      m.write('acquireLease');
      const current = leases.get(input.symbol) ?? null;
      if (current === null || Date.parse(current.expiresAt) <= nowMs || current.holder === input.holder) {
        return { acquired: true, lease: leases.put(lease) };
      }
      return { acquired: false, current };
    },
    releaseLease: async (input) => {
      m.write('releaseLease');
      const current = leases.get(input.symbol);
      if (current?.holder !== input.holder) return { released: false };
      leases.delete(input.symbol);
      return { released: true };
    },
    reserveNotional: async (input) => {
      const key = composite(input.day, input.scope);
      const room = input.limitCents - input.cents;
      if (room >= 0) {
        m.write('reserveNotional');
        const cur = notional.get(key);
        if (!cur?.keys.includes(input.key) && (cur === undefined || cur.totalCents <= room)) {
          const totalCents = (cur?.totalCents ?? 0) + input.cents;
          notional.put({
            day: input.day,
            scope: input.scope,
            totalCents,
            keys: [...(cur?.keys ?? []), input.key],
          });
          return { status: 'reserved', totalCents };
        }
      }
      const now = notional.get(key);
      const totalCents = now?.totalCents ?? 0;
      if (now?.keys.includes(input.key)) return { status: 'already-reserved', totalCents };
      return { status: 'over-limit', totalCents };
    },
  };
};
