/**
 * The {@link ControlLedger} role: what gates trading. The kill switch; symbol leases that serialize execution
 * across workers (a put conditional on "absent, expired or already mine"; expiry is checked against the
 * caller's `now`, so correctness never waits on DynamoDB's TTL sweep, which dynalite does not have); and the
 * daily notional each scope has reserved, within its limit.
 */
import type { KillSwitch, Lease, LeaseResult } from '../types.ts';
import { type Ctx, conditional, conditionalItem, guard } from './context.ts';

/** Input of {@link setKillSwitch}: on or off, why, and who flipped it (user, alarm, run id). */
export type SetKillSwitchInput = Pick<KillSwitch, 'enabled' | 'reason' | 'updatedBy'>;

/** Input of {@link acquireLease}. */
export interface AcquireLeaseInput {
  symbol: string;
  /** Who takes the lease (worker, execution id); the same holder may renew it. */
  holder: string;
  ttlSeconds: number;
  /** The caller's clock: the lease runs from `now` for `ttlSeconds`. */
  now: Date;
}

/** Input of {@link releaseLease}. */
export interface ReleaseLeaseInput {
  symbol: string;
  holder: string;
}

/** Input of {@link reserveNotional}. */
export interface ReserveNotionalInput {
  day: string;
  /** `account`, or a book id. */
  scope: string;
  /** The reserving execution (the same on every retry of it, another for another plan). */
  key: string;
  /** Whole cents to reserve (> 0). */
  cents: number;
  /** The scope's daily limit in whole cents: the total never passes it. */
  limitCents: number;
}

/** What a reservation did, and the scope's total afterwards (cents, this reservation included if made). */
export interface ReserveNotionalResult {
  status: 'reserved' | 'already-reserved' | 'over-limit';
  totalCents: number;
}

/** The gates of trading: the kill switch, symbol leases and daily notional reservations. */
export interface ControlLedger {
  /** Read the kill switch (off if never set). */
  getKillSwitch(): Promise<KillSwitch>;
  /** Set the kill switch. */
  setKillSwitch(input: SetKillSwitchInput): Promise<KillSwitch>;
  /** Take (or renew) the lease of a symbol if it is free, expired or already the caller's. */
  acquireLease(input: AcquireLeaseInput): Promise<LeaseResult>;
  /** Release a symbol's lease if the caller holds it. */
  releaseLease(input: ReleaseLeaseInput): Promise<{ released: boolean }>;
  /** Reserve part of a scope's daily notional for one execution, once, within the limit (one conditional update). */
  reserveNotional(input: ReserveNotionalInput): Promise<ReserveNotionalResult>;
}

const KILL_SWITCH = 'kill-switch';

const getKillSwitch = (ctx: Ctx): Promise<KillSwitch> =>
  guard('getKillSwitch', async () => {
    const { data } = await ctx.svc.entities.flag
      .get({ name: KILL_SWITCH })
      .go({ originalErr: true, consistent: true });
    if (!data) return { enabled: false, reason: '', updatedBy: '', updatedAt: null };
    return {
      enabled: data.enabled,
      reason: data.reason,
      updatedBy: data.updatedBy,
      updatedAt: data.updatedAt,
    };
  });

const setKillSwitch = (ctx: Ctx, input: SetKillSwitchInput): Promise<KillSwitch> =>
  guard('setKillSwitch', async () => {
    const item = { name: KILL_SWITCH, ...input, updatedAt: ctx.now() };
    await ctx.svc.entities.flag.put(item).go({ originalErr: true });
    return {
      enabled: item.enabled,
      reason: item.reason,
      updatedBy: item.updatedBy,
      updatedAt: item.updatedAt,
    };
  });

const toLease = (i: Lease): Lease => ({
  symbol: i.symbol,
  holder: i.holder,
  acquiredAt: i.acquiredAt,
  expiresAt: i.expiresAt,
});

const readLease = (ctx: Ctx, symbol: string): Promise<Lease | null> =>
  guard('readLease', async () => {
    const { data } = await ctx.svc.entities.lease.get({ symbol }).go({ originalErr: true, consistent: true });
    return data ? toLease(data) : null;
  });

const acquireLease = async (ctx: Ctx, input: AcquireLeaseInput): Promise<LeaseResult> => {
  const nowMs = input.now.getTime();
  const expiresAtMs = nowMs + input.ttlSeconds * 1000;
  const item = {
    symbol: input.symbol,
    holder: input.holder,
    acquiredAt: input.now.toISOString(),
    expiresAt: new Date(expiresAtMs).toISOString(),
    expiresAtMs,
    ttl: Math.ceil(expiresAtMs / 1000),
  };
  const ok = await conditional('acquireLease', () =>
    ctx.svc.entities.lease
      .put(item)
      .where(
        ({ holder, expiresAtMs: exp }, { notExists, lte, eq }) =>
          `${notExists(holder)} OR ${lte(exp, nowMs)} OR ${eq(holder, input.holder)}`,
      )
      .go({ originalErr: true }),
  );
  if (ok) return { acquired: true, lease: toLease(item) };
  return { acquired: false, current: await readLease(ctx, input.symbol) };
};

const releaseLease = async (ctx: Ctx, input: ReleaseLeaseInput): Promise<{ released: boolean }> => {
  const released = await conditional('releaseLease', () =>
    ctx.svc.entities.lease
      .delete({ symbol: input.symbol })
      .where(({ holder }, { eq }) => eq(holder, input.holder))
      .go({ originalErr: true }),
  );
  return { released };
};

/**
 * Reserve `cents` of a scope's daily notional for `key`, once: a single conditional update adds the amount
 * and the key together, only if the key is not there yet and the total stays within the limit. A repeat by
 * the same key is `already-reserved` (nothing added); a reservation that would pass the limit adds nothing.
 */
const reserveNotional = async (ctx: Ctx, input: ReserveNotionalInput): Promise<ReserveNotionalResult> => {
  const read = () =>
    guard('reserveNotional', async () => {
      const { data } = await ctx.svc.entities.notional
        .get({ day: input.day, scope: input.scope })
        .go({ originalErr: true, consistent: true });
      return data;
    });
  const room = input.limitCents - input.cents;
  const reserved =
    room >= 0
      ? await conditionalItem('reserveNotional', () =>
          ctx.svc.entities.notional
            .update({ day: input.day, scope: input.scope })
            .add({ totalCents: input.cents, keys: [input.key] })
            .where(
              ({ keys, totalCents }, { notContains, notExists, lte }) =>
                `${notContains(keys, input.key)} AND (${notExists(totalCents)} OR ${lte(totalCents, room)})`,
            )
            .go({ originalErr: true, response: 'all_new' }),
        )
      : null;
  // The total comes back with the write; only a refused reservation needs a read (to say why).
  if (reserved) return { status: 'reserved', totalCents: reserved.totalCents ?? 0 };
  const now = await read();
  const totalCents = now?.totalCents ?? 0;
  if (now?.keys?.includes(input.key)) return { status: 'already-reserved', totalCents };
  return { status: 'over-limit', totalCents };
};

/** The {@link ControlLedger} over `ctx`. */
export const controlLedger = (ctx: Ctx): ControlLedger => ({
  getKillSwitch: () => getKillSwitch(ctx),
  setKillSwitch: (input) => setKillSwitch(ctx, input),
  acquireLease: (input) => acquireLease(ctx, input),
  releaseLease: (input) => releaseLease(ctx, input),
  reserveNotional: (input) => reserveNotional(ctx, input),
});
