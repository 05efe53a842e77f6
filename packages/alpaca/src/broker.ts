/**
 * `AlpacaBroker`: the Broker port on Alpaca's trading API, through the official SDK. Every call goes through
 * {@link AlpacaBroker.call}, which parses the body with `parse.ts` and classifies failures with `errors.ts`.
 */
import type {
  AssetFacts,
  Broker,
  BrokerAccount,
  BrokerOrder,
  BrokerPosition,
  CalendarDay,
  CorporateAction,
  CorporateActionQuery,
  MarketClock,
  SubmitOrderRequest,
} from '@ensemble/core';
import { OrderRejectedError } from '@ensemble/core';
import * as z from 'zod';
import { type CallContext, toBrokerError } from './errors.ts';
import {
  fromAlpacaSymbol,
  toAccount,
  toAlpacaSymbol,
  toAssetFacts,
  toCalendarDay,
  toClock,
  toCorporateActions,
  toOrder,
  toPosition,
  WireAccount,
  WireAsset,
  WireCalendar,
  WireClock,
  WireCorporateActionsPage,
  WireOrder,
  WireOrders,
  WirePositions,
} from './parse.ts';
import type { AlpacaSdk } from './sdk.ts';

/** Paper or live trading. */
export type AlpacaMode = 'paper' | 'live';

/** What `call`/`send` return for the tolerated HTTP status. */
const NOT_FOUND: unique symbol = Symbol('not found');

const AnyArray = z.array(z.unknown());

/** A response of the SDK's `*Raw` methods: we read the body ourselves. */
interface RawResponse {
  readonly raw: Response;
}

/** The Broker port on Alpaca. Build it with `createAlpaca`/`alpacaFromEnv`, which apply the live-mode guard. */
export class AlpacaBroker implements Broker {
  readonly kind: string;
  readonly #sdk: AlpacaSdk;

  constructor(
    sdk: AlpacaSdk,
    readonly mode: AlpacaMode = 'paper',
  ) {
    this.#sdk = sdk;
    this.kind = `alpaca-${mode}`;
  }

  async getAccount(): Promise<BrokerAccount> {
    return toAccount(
      await this.call({ operation: 'getAccount' }, WireAccount, () => this.#sdk.account.getAccountRaw()),
    );
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const wire = await this.call({ operation: 'listPositions' }, WirePositions, () =>
      this.#sdk.positions.getAllOpenPositionsRaw(),
    );
    return wire.map(toPosition);
  }

  async submitOrder(request: SubmitOrderRequest): Promise<BrokerOrder> {
    const { clientOrderId, symbol } = request;
    if ((request.qty === undefined) === (request.notional === undefined)) {
      throw new OrderRejectedError(clientOrderId, 'exactly one of qty and notional is required');
    }
    const ctx: CallContext = { operation: 'submitOrder', clientOrderId, symbol };
    const wire = await this.call(ctx, WireOrder, () =>
      this.#sdk.orders.postOrderRaw({
        postOrderRequest: {
          symbol: toAlpacaSymbol(symbol),
          side: request.side,
          type: request.type,
          timeInForce: request.timeInForce,
          clientOrderId,
          ...(request.qty !== undefined && { qty: request.qty }),
          ...(request.notional !== undefined && { notional: request.notional }),
        },
      }),
    );
    return toOrder(wire);
  }

  async getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | null> {
    // Only a 404 means "never seen"; every other failure propagates (never read as "not there").
    const wire = await this.call(
      { operation: 'getOrderByClientId' },
      WireOrder,
      () => this.#sdk.orders.getOrderByClientOrderIdRaw({ clientOrderId }),
      404,
    );
    return wire === NOT_FOUND ? null : toOrder(wire);
  }

  async listOpenOrders(): Promise<BrokerOrder[]> {
    const wire = await this.call({ operation: 'listOpenOrders' }, WireOrders, () =>
      this.#sdk.orders.getAllOrdersRaw({ status: 'open', limit: 500, direction: 'asc' }),
    );
    return wire.map(toOrder);
  }

  async cancelOrder(orderId: string): Promise<void> {
    // 422: the order is no longer cancelable (filled, canceled, expired): a no-op, as the port says.
    await this.send(
      { operation: 'cancelOrder', clientOrderId: orderId },
      () => this.#sdk.orders.deleteOrderByOrderIDRaw({ orderId }),
      422,
    );
  }

  async getClock(): Promise<MarketClock> {
    return toClock(
      await this.call({ operation: 'getClock' }, WireClock, () => this.#sdk.clock.legacyClockRaw()),
    );
  }

  async getCalendar(range: { from: string; to: string }): Promise<CalendarDay[]> {
    const wire = await this.call({ operation: 'getCalendar' }, WireCalendar, () =>
      this.#sdk.calendar.legacyCalendarRaw({
        start: new Date(`${range.from}T00:00:00Z`),
        end: new Date(`${range.to}T00:00:00Z`),
      }),
    );
    return wire.map(toCalendarDay).filter((d) => d.date >= range.from && d.date <= range.to);
  }

  /**
   * One request for all active US equities, filtered to `symbols` (per-symbol requests would spend the
   * 200-per-minute budget). An entry we asked for must parse; the thousands of others are not inspected.
   */
  async getAssets(symbols: readonly string[]): Promise<Map<string, AssetFacts>> {
    const wanted = new Set(symbols.map(toAlpacaSymbol));
    const ctx: CallContext = { operation: 'getAssets' };
    const all = await this.call(ctx, AnyArray, () =>
      this.#sdk.assets.getV2AssetsRaw({ status: 'active', assetClass: 'us_equity' }),
    );
    const out = new Map<string, AssetFacts>();
    for (const item of all) {
      const symbol = (item as { symbol?: unknown } | null)?.symbol;
      if (typeof symbol !== 'string' || !wanted.has(symbol)) continue;
      const parsed = WireAsset.safeParse(item);
      if (!parsed.success) throw toBrokerError(new Error(`asset ${symbol}: ${parsed.error.message}`), ctx);
      out.set(fromAlpacaSymbol(symbol), toAssetFacts(parsed.data));
    }
    return out;
  }

  /**
   * Splits and cash dividends of `symbols` with an ex-date in `[from, to]`, from the market-data API's
   * corporate actions (every page), sorted by ex-date then symbol.
   */
  async getCorporateActions(query: CorporateActionQuery): Promise<CorporateAction[]> {
    if (query.symbols.length === 0) return [];
    const out: CorporateAction[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    do {
      const page = await this.call({ operation: 'getCorporateActions' }, WireCorporateActionsPage, () =>
        this.#sdk.corporateActions.corporateActionsRaw({
          symbols: query.symbols.map(toAlpacaSymbol).join(','),
          types: 'forward_split,reverse_split,cash_dividend',
          start: new Date(`${query.from}T00:00:00Z`),
          end: new Date(`${query.to}T00:00:00Z`),
          limit: 1000,
          ...(pageToken !== undefined && { pageToken }),
        }),
      );
      out.push(...toCorporateActions(page));
      pageToken = page.next_page_token || undefined;
      if (pageToken !== undefined && seen.has(pageToken)) {
        throw toBrokerError(
          new Error(`corporate actions pagination does not progress (token ${pageToken})`),
          {
            operation: 'getCorporateActions',
          },
        );
      }
      if (pageToken !== undefined) seen.add(pageToken);
    } while (pageToken !== undefined);
    return out
      .filter((a) => a.exDate >= query.from && a.exDate <= query.to)
      .sort((a, b) => a.exDate.localeCompare(b.exDate) || a.symbol.localeCompare(b.symbol));
  }

  /**
   * Runs one SDK call, parses its JSON body with `schema` and classifies failures;
   * an HTTP error with status `tolerated` returns {@link NOT_FOUND} instead of throwing.
   */
  private call<S extends z.ZodType>(
    ctx: CallContext,
    schema: S,
    run: () => Promise<RawResponse>,
  ): Promise<z.infer<S>>;
  private call<S extends z.ZodType>(
    ctx: CallContext,
    schema: S,
    run: () => Promise<RawResponse>,
    tolerated: number,
  ): Promise<z.infer<S> | typeof NOT_FOUND>;
  private async call<S extends z.ZodType>(
    ctx: CallContext,
    schema: S,
    run: () => Promise<RawResponse>,
    tolerated?: number,
  ): Promise<z.infer<S> | typeof NOT_FOUND> {
    const response = await this.send(ctx, run, tolerated);
    if (response === NOT_FOUND) return NOT_FOUND;
    let body: unknown;
    try {
      body = await response.raw.json();
    } catch (e) {
      throw toBrokerError(e, ctx);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw toBrokerError(new Error(`unexpected response body: ${parsed.error.message}`), ctx);
    }
    return parsed.data;
  }

  private async send(
    ctx: CallContext,
    run: () => Promise<RawResponse>,
    tolerated?: number,
  ): Promise<RawResponse | typeof NOT_FOUND> {
    try {
      return await run();
    } catch (e) {
      if (tolerated !== undefined && (e as { status?: unknown } | null)?.status === tolerated)
        return NOT_FOUND;
      throw toBrokerError(e, ctx);
    }
  }

  /** Never prints the SDK (which holds the credentials). */
  toJSON(): { kind: string } {
    return { kind: this.kind };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AlpacaBroker { kind: '${this.kind}' }`;
  }
}
