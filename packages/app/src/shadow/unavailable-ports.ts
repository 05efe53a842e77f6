/**
 * The ports shadow mode's steps are not given: a broker and market data whose every call fails closed with
 * {@link ShadowUnavailableError}. The local runner gives the shadow tasks these instead of the account's
 * ports, and the steps' paper dependencies carry them, so no code path of shadow mode can reach the account's
 * broker (in AWS their functions hold neither the broker's adapter nor its keys).
 */
import type { Broker, MarketData } from '@ensemble/core';
import { ShadowUnavailableError } from '../errors.ts';

const refuse = (port: string) => async (): Promise<never> => {
  throw new ShadowUnavailableError(`shadow mode has no ${port}: it trades on its paper broker only`);
};

/** A broker every call of which fails closed. */
export const noTradingBroker: Broker = {
  kind: 'none',
  getAccount: refuse('broker'),
  listPositions: refuse('broker'),
  submitOrder: refuse('broker'),
  getOrderByClientId: refuse('broker'),
  listOpenOrders: refuse('broker'),
  cancelOrder: refuse('broker'),
  getClock: refuse('broker'),
  getCalendar: refuse('broker'),
  getAssets: refuse('broker'),
};

/** Market data whose every call fails closed (shadow mode reads the run's snapshot). */
export const noMarketData: MarketData = { loadBars: refuse('market data') };
