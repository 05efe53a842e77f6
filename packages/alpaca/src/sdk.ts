/**
 * The transport: the official SDK's generated API classes, configured once. We use the generated layer (not
 * the `Alpaca` facade) because only it takes an explicit `basePath`, which `APCA_API_BASE_URL` /
 * `APCA_API_DATA_URL` need; its `*Raw` methods give us the response body, which `parse.ts` validates itself.
 * The SDK retries only safe verbs (GET) on 408/425/429/5xx and network errors, honouring `Retry-After`; it
 * never replays a POST — our deterministic client order ids make the workflow's own retries safe.
 */
import { DEFAULT_RATE_LIMIT, marketData, trading } from '@alpacahq/alpaca-trade-api/rest';

/** Where and how to reach Alpaca. */
export interface AlpacaSdkOptions {
  readonly keyId: string;
  readonly secret: string;
  /** Paper host unless false. @default true */
  readonly paper?: boolean;
  /** Trading API base URL (`APCA_API_BASE_URL`). @default the paper or live host, per `paper` */
  readonly tradingUrl?: string;
  /** Market-data base URL (`APCA_API_DATA_URL`). @default https://data.alpaca.markets */
  readonly dataUrl?: string;
  /** Replaces `fetch` (the fake server's `fetchApi` routes Alpaca's hosts to loopback). */
  readonly fetchApi?: typeof fetch;
  /** SDK retry policy for GETs; `false` disables it. @default { maxRetries: 2 } */
  readonly retry?: trading.RetryConfig | false;
  /** SDK client-side throttle; `false` disables it. @default 200 requests per minute per host */
  readonly rateLimit?: trading.RateLimitConfig | false;
  /** Per-attempt timeout. @default 30000 */
  readonly timeoutMs?: number;
}

/** The generated APIs the adapters call. */
export interface AlpacaSdk {
  readonly account: trading.AccountsApi;
  readonly positions: trading.PositionsApi;
  readonly orders: trading.OrdersApi;
  readonly clock: trading.ClockApi;
  readonly calendar: trading.CalendarApi;
  readonly assets: trading.AssetsApi;
  readonly stocks: marketData.StockApi;
  /** Corporate actions (splits, dividends): the market-data API's `GET /v1/corporate-actions`. */
  readonly corporateActions: marketData.CorporateActionsApi;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** Builds the SDK clients. Credentials stay inside the SDK configuration (never on the returned object). */
export const createAlpacaSdk = (o: AlpacaSdkOptions): AlpacaSdk => {
  const shared = {
    keyId: o.keyId,
    secret: o.secret,
    ...(o.fetchApi && { fetchApi: o.fetchApi }),
    ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }),
    ...(o.retry !== false && { retry: { maxRetries: 2, ...o.retry } }),
    ...(o.rateLimit !== false && { rateLimit: o.rateLimit ?? DEFAULT_RATE_LIMIT }),
  };
  const tradingConfig = new trading.Configuration({
    ...shared,
    paper: o.paper ?? true,
    ...(o.tradingUrl && { basePath: trimSlash(o.tradingUrl) }),
  });
  const dataConfig = new marketData.Configuration({
    ...shared,
    ...(o.dataUrl && { basePath: trimSlash(o.dataUrl) }),
  });
  return {
    account: new trading.AccountsApi(tradingConfig),
    positions: new trading.PositionsApi(tradingConfig),
    orders: new trading.OrdersApi(tradingConfig),
    clock: new trading.ClockApi(tradingConfig),
    calendar: new trading.CalendarApi(tradingConfig),
    assets: new trading.AssetsApi(tradingConfig),
    stocks: new marketData.StockApi(dataConfig),
    corporateActions: new marketData.CorporateActionsApi(dataConfig),
  };
};
