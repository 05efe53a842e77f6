/**
 * The {@link PaperAccountLedger} role (shadow scope only: see `createShadowLedger`): where the simulated
 * broker of shadow mode keeps its accounts, so paper fills follow exactly the SimBroker's rules and survive a
 * crash of the step that trades them. An account is one versioned JSON item, created once and replaced only
 * conditionally on its version; archived orders are immutable items. The ledger stores the JSON as text and
 * never reads it: its schema is the broker's.
 */
import { type Ctx, conditional, guard } from './context.ts';

/** How long a paper account and its archived orders are kept: a paper account serves one trading day. */
export const PAPER_ACCOUNT_TTL_DAYS = 40;

/** A paper account as stored: its state (JSON text) and version. */
export interface PaperAccount {
  accountId: string;
  state: string;
  version: number;
}

/** An archived order of a paper account. */
export interface PaperOrderInput {
  clientOrderId: string;
  /** The broker's order id. */
  orderId: string;
  /** The order as JSON text. */
  order: string;
}

/** The simulated accounts of shadow mode. */
export interface PaperAccountLedger {
  /** Get a paper account, or null before it was created. */
  getPaperAccount(accountId: string): Promise<PaperAccount | null>;
  /** Create a paper account at version 1 unless it exists: false when it already existed. */
  createPaperAccount(accountId: string, state: string): Promise<boolean>;
  /** Replace a paper account's state if it is still at `expectedVersion`: false otherwise. */
  replacePaperAccount(accountId: string, state: string, expectedVersion: number): Promise<boolean>;
  /** An archived order of a paper account (JSON text) by client order id, or null. */
  getPaperOrder(accountId: string, clientOrderId: string): Promise<string | null>;
  /** The client order id of an archived order by its broker order id, or null. */
  paperClientOrderIdOf(accountId: string, orderId: string): Promise<string | null>;
  /** Archive orders of a paper account (idempotent: archiving an order twice writes the same item). */
  archivePaperOrders(accountId: string, orders: readonly PaperOrderInput[]): Promise<void>;
}

const ttlOf = (ctx: Ctx): number =>
  Math.floor(Date.parse(ctx.now()) / 1000) + PAPER_ACCOUNT_TTL_DAYS * 24 * 3600;

const getPaperAccount = (ctx: Ctx, accountId: string): Promise<PaperAccount | null> =>
  guard('getPaperAccount', async () => {
    const { data } = await ctx.svc.entities.paperAccount
      .get({ accountId })
      .go({ originalErr: true, consistent: true });
    return data ? { accountId, state: data.state, version: data.version } : null;
  });

const createPaperAccount = (ctx: Ctx, accountId: string, state: string): Promise<boolean> =>
  conditional('createPaperAccount', () =>
    ctx.svc.entities.paperAccount
      .create({ accountId, state, version: 1, updatedAt: ctx.now(), ttl: ttlOf(ctx) })
      .go({ originalErr: true }),
  );

const replacePaperAccount = (
  ctx: Ctx,
  accountId: string,
  state: string,
  expectedVersion: number,
): Promise<boolean> =>
  conditional('replacePaperAccount', () =>
    ctx.svc.entities.paperAccount
      .patch({ accountId })
      .set({ state, version: expectedVersion + 1, updatedAt: ctx.now() })
      .where(({ version }, { eq }) => eq(version, expectedVersion))
      .go({ originalErr: true }),
  );

const getPaperOrder = (ctx: Ctx, accountId: string, clientOrderId: string): Promise<string | null> =>
  guard('getPaperOrder', async () => {
    const { data } = await ctx.svc.entities.paperOrder
      .get({ accountId, clientOrderId })
      .go({ originalErr: true, consistent: true });
    return data?.order ?? null;
  });

const paperClientOrderIdOf = (ctx: Ctx, accountId: string, orderId: string): Promise<string | null> =>
  guard('paperClientOrderIdOf', async () => {
    const { data } = await ctx.svc.entities.paperOrder.query
      .byOrderId({ accountId, orderId })
      .go({ originalErr: true, count: 1 });
    return data[0]?.clientOrderId ?? null;
  });

const archivePaperOrders = (ctx: Ctx, accountId: string, orders: readonly PaperOrderInput[]): Promise<void> =>
  guard('archivePaperOrders', async () => {
    const ttl = ttlOf(ctx);
    // One put per order (a batch write would need another permission): archiving again writes the same item.
    for (const o of orders) {
      await ctx.svc.entities.paperOrder.put({ accountId, ...o, ttl }).go({ originalErr: true });
    }
  });

/** The {@link PaperAccountLedger} over `ctx`. */
export const paperAccountLedger = (ctx: Ctx): PaperAccountLedger => ({
  getPaperAccount: (accountId) => getPaperAccount(ctx, accountId),
  createPaperAccount: (accountId, state) => createPaperAccount(ctx, accountId, state),
  replacePaperAccount: (accountId, state, expectedVersion) =>
    replacePaperAccount(ctx, accountId, state, expectedVersion),
  getPaperOrder: (accountId, clientOrderId) => getPaperOrder(ctx, accountId, clientOrderId),
  paperClientOrderIdOf: (accountId, orderId) => paperClientOrderIdOf(ctx, accountId, orderId),
  archivePaperOrders: (accountId, orders) => archivePaperOrders(ctx, accountId, orders),
});
