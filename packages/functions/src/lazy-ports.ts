/**
 * Ports built on first use. A Lambda builds its {@link Runtime} at cold start, but most steps never call the
 * broker or load bars (they read the run's snapshot), so the real adapters — and the credentials they need —
 * are only required when a step actually calls one. Each lazy port has the full port's shape; its first
 * method call builds the real adapter (a build that throws rejects that call with the builder's own typed
 * error, and the next call tries again) and every call goes to it.
 *
 * @see env-runtime.ts
 */
import type { Broker, MarketData } from '@ensemble/core';

/** `build()` on the first call, its value on every later one; a build that throws is not kept. */
export const memoize = <T>(build: () => T): (() => T) => {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
};

/**
 * A {@link Broker} that builds the real one on its first method call. `kind` is known without building: it
 * must name the adapter `build` makes (`sim`, `alpaca-paper`, `alpaca-live`), since steps read it to choose
 * how to report and reconcile.
 */
export const lazyBroker = (kind: string, build: () => Broker): Broker => {
  const real = memoize(build);
  return {
    kind,
    getAccount: async () => real().getAccount(),
    listPositions: async () => real().listPositions(),
    submitOrder: async (request) => real().submitOrder(request),
    getOrderByClientId: async (clientOrderId) => real().getOrderByClientId(clientOrderId),
    listOpenOrders: async () => real().listOpenOrders(),
    cancelOrder: async (orderId) => real().cancelOrder(orderId),
    getClock: async () => real().getClock(),
    getCalendar: async (range) => real().getCalendar(range),
    getAssets: async (symbols) => real().getAssets(symbols),
  };
};

/** {@link MarketData} that builds the real one on its first `loadBars`. */
export const lazyMarketData = (build: () => MarketData): MarketData => {
  const real = memoize(build);
  return { loadBars: async (query) => real().loadBars(query) };
};
