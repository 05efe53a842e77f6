/**
 * The fake's order entry (`POST /v2/orders`): Alpaca's order request validated, passed to the Broker, and
 * the Broker's typed refusals written back as Alpaca writes them — `client_order_id must be unique` (422),
 * `potential wash trade detected` and `insufficient buying power` (403, code 40310000), other refusals (422).
 */
import { randomUUID } from 'node:crypto';
import { type Broker, ErrorNames, isEnsembleError } from '@ensemble/core';
import * as z from 'zod';
import { fromAlpacaSymbol } from '../parse.ts';
import { type AlpacaErrorBody, ErrorCodes, orderJson } from './wire.ts';

/** Thrown by handlers to answer with an Alpaca error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: AlpacaErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

export const fail = (
  status: number,
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
): never => {
  throw new HttpError(status, { code, message, ...extra });
};

/** Alpaca's order request (the fields the fake supports; others are ignored). */
const OrderRequest = z.object({
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.literal('market', { message: 'the fake accepts market orders only' }),
  time_in_force: z.literal('day', { message: 'the fake accepts day orders only' }),
  client_order_id: z.string().min(1).max(128).optional(),
  qty: z.union([z.string(), z.number()]).optional(),
  notional: z.union([z.string(), z.number()]).optional(),
});

/** Places an order from an Alpaca order request; throws {@link HttpError} for Alpaca's error responses. */
export const submitOrder = async (
  broker: Broker,
  body: unknown,
): Promise<{ status: number; json: unknown }> => {
  const parsed = OrderRequest.safeParse(body);
  if (!parsed.success)
    return fail(422, ErrorCodes.badRequest, parsed.error.issues[0]?.message ?? 'invalid order');
  const r = parsed.data;
  if ((r.qty === undefined) === (r.notional === undefined)) {
    fail(422, ErrorCodes.badRequest, 'qty or notional is required, not both');
  }
  const clientOrderId = r.client_order_id ?? randomUUID();
  try {
    const order = await broker.submitOrder({
      clientOrderId,
      symbol: fromAlpacaSymbol(r.symbol),
      side: r.side,
      ...(r.qty !== undefined && { qty: String(r.qty) }),
      ...(r.notional !== undefined && { notional: String(r.notional) }),
      type: 'market',
      timeInForce: 'day',
    });
    return { status: 200, json: orderJson(order) };
  } catch (e) {
    if (!isEnsembleError(e)) throw e;
    switch (e.name) {
      case ErrorNames.DuplicateClientOrderId:
        return fail(422, ErrorCodes.badRequest, 'client_order_id must be unique');
      case ErrorNames.SymbolBusy:
        return fail(403, ErrorCodes.forbidden, 'potential wash trade detected. use complex orders');
      case ErrorNames.InsufficientBuyingPower: {
        const account = await broker.getAccount();
        return fail(403, ErrorCodes.forbidden, 'insufficient buying power', {
          buying_power: account.buyingPower,
        });
      }
      case ErrorNames.MarketClosed:
        return fail(403, ErrorCodes.forbidden, `market is closed: ${e.message}`);
      case ErrorNames.OrderRejected:
        return fail(422, ErrorCodes.badRequest, (e as Error & { reason?: string }).reason ?? e.message);
      default:
        throw e;
    }
  }
};
