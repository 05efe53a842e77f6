/**
 * The loopback fake Alpaca server: a `node:http` server answering the trading and market-data endpoints the
 * adapters call, with Alpaca's documented request and response shapes, backed by any Broker (the SimBroker,
 * so both brokers behave the same) and a MarketData (the bundled bars). Errors come back as Alpaca sends
 * them: `{ code, message }` bodies with 422/403/404/429/5xx statuses and `X-RateLimit-*` headers. Faults
 * (429, 5xx, dropped connections) can be injected per path. One server answers both hosts: point the SDK at
 * it with {@link FakeAlpacaServer.fetchApi} or with `APCA_API_BASE_URL`/`APCA_API_DATA_URL` = its URL.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Broker,
  ErrorNames,
  isEnsembleError,
  type MarketData,
  NYSE_CALENDAR_RANGE,
  RateLimitedError,
} from '@ensemble/core';
import { fromAlpacaSymbol } from '../parse.ts';
import { barsPage } from './bars.ts';
import { fail, HttpError, submitOrder } from './orders.ts';
import {
  accountJson,
  assetJson,
  calendarJson,
  clockJson,
  corporateActionsJson,
  ErrorCodes,
  orderJson,
  positionJson,
} from './wire.ts';

/** Options of {@link createFakeAlpacaServer}. */
export interface FakeAlpacaOptions {
  /** The account behind the trading API (a SimBroker). */
  readonly broker: Broker;
  /** The bars behind the market-data API. */
  readonly marketData: MarketData;
  /** Symbols `GET /v2/assets` lists. @default `marketData.listSymbols()` when it has one, else none */
  readonly symbols?: readonly string[];
  /** @default 0 (any free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Credentials every request must carry. @default any non-empty key id and secret */
  readonly keyId?: string;
  readonly secret?: string;
  /** Enforce Alpaca's rate limit: after this many requests in a minute, 429. @default not enforced (headers say 200) */
  readonly rateLimitPerMinute?: number;
  /** SIP data newer than this is refused, as on Alpaca's free plan. @default 15 */
  readonly sipDelayMinutes?: number;
}

/** An injected failure: the next `times` requests matching `method` and `path` (a prefix) fail this way. */
export interface FakeFault {
  /** An HTTP status to answer with, or `drop` to destroy the connection (a network error). */
  readonly status: 429 | 500 | 502 | 503 | 504 | 'drop';
  /** Path prefix, e.g. `/v2/orders`. @default every path */
  readonly path?: string;
  /** @default every method */
  readonly method?: string;
  /** @default 1 */
  readonly times?: number;
  /** 429: `Retry-After` seconds. @default none */
  readonly retryAfterSeconds?: number;
  /** 429: `X-RateLimit-Reset` = now + this many seconds. @default 60 */
  readonly resetInSeconds?: number;
}

/** One request as the fake saw it. */
export interface FakeRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly status: number;
}

/** A running fake. */
export interface FakeAlpacaServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** A `fetch` that sends Alpaca's hosts (paper, live, data) to this server: the SDK's `fetchApi` option. */
  readonly fetchApi: typeof fetch;
  /** Queues a fault. */
  inject(fault: FakeFault): void;
  /** Every request so far, in order. */
  readonly requests: readonly FakeRequest[];
  close(): Promise<void>;
}

const ALPACA_HOSTS = /^https:\/\/(?:paper-api|api|data)\.alpaca\.markets(?=\/|$)/;

/** Starts the fake on loopback. */
export const createFakeAlpacaServer = async (options: FakeAlpacaOptions): Promise<FakeAlpacaServer> => {
  const { broker, marketData } = options;
  const faults: { fault: FakeFault; left: number }[] = [];
  const requests: FakeRequest[] = [];
  const createdAt = new Date().toISOString();
  const limit = options.rateLimitPerMinute;
  let windowStart = Date.now();
  let used = 0;

  const universe = async (): Promise<readonly string[]> => {
    if (options.symbols) return options.symbols;
    const lister = marketData as MarketData & { listSymbols?: () => Promise<string[]> };
    return lister.listSymbols ? lister.listSymbols() : [];
  };

  const rateHeaders = (): Record<string, string> => {
    const now = Date.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      used = 0;
    }
    used++;
    const max = limit ?? 200;
    return {
      'X-RateLimit-Limit': String(max),
      'X-RateLimit-Remaining': String(Math.max(0, max - used)),
      'X-RateLimit-Reset': String(Math.ceil((windowStart + 60_000) / 1000)),
    };
  };

  const route = async (
    method: string,
    url: URL,
    body: unknown,
  ): Promise<{ status: number; json?: unknown }> => {
    const p = url.pathname;
    const q = url.searchParams;
    if (method === 'GET' && p === '/v2/account') return ok(accountJson(await broker.getAccount(), createdAt));
    if (method === 'GET' && p === '/v2/positions')
      return ok((await broker.listPositions()).map(positionJson));
    if (method === 'POST' && p === '/v2/orders') return submitOrder(broker, body);
    if (method === 'GET' && p === '/v2/orders:by_client_order_id') {
      const id = q.get('client_order_id') ?? fail(422, ErrorCodes.badRequest, 'client_order_id is missing');
      const order = await broker.getOrderByClientId(id);
      return order ? ok(orderJson(order)) : fail(404, ErrorCodes.notFound, `order not found for ${id}`);
    }
    if (method === 'GET' && p === '/v2/orders') {
      const status = q.get('status') ?? 'open';
      if (status !== 'open')
        fail(422, ErrorCodes.badRequest, `the fake lists open orders only, not ${status}`);
      return ok((await broker.listOpenOrders()).map(orderJson));
    }
    const cancel = /^\/v2\/orders\/([^/]+)$/.exec(p);
    if (method === 'DELETE' && cancel) {
      try {
        await broker.cancelOrder(decodeURIComponent(cancel[1]!));
      } catch (e) {
        if (isEnsembleError(e) && e.name === ErrorNames.OrderRejected)
          fail(404, ErrorCodes.notFound, 'order not found');
        throw e;
      }
      return { status: 204 };
    }
    if (method === 'GET' && p === '/v2/clock') return ok(clockJson(await broker.getClock()));
    if (method === 'GET' && p === '/v2/calendar') {
      const from = (q.get('start') ?? NYSE_CALENDAR_RANGE.from).slice(0, 10);
      const to = (q.get('end') ?? NYSE_CALENDAR_RANGE.to).slice(0, 10);
      return ok(calendarJson(await broker.getCalendar({ from, to })));
    }
    if (method === 'GET' && p === '/v2/assets') {
      const symbols = await universe();
      const facts = await broker.getAssets(symbols);
      return ok(symbols.filter((s) => facts.has(s)).map((s) => assetJson(s, facts.get(s)!)));
    }
    const asset = /^\/v2\/assets\/([^/]+)$/.exec(p);
    if (method === 'GET' && asset) {
      const symbol = fromAlpacaSymbol(decodeURIComponent(asset[1]!));
      const facts = (await broker.getAssets([symbol])).get(symbol);
      return facts ? ok(assetJson(symbol, facts)) : fail(404, ErrorCodes.notFound, 'asset not found');
    }
    if (method === 'GET' && p === '/v2/stocks/bars') return bars(q);
    if (method === 'GET' && p === '/v1/corporate-actions') return corporateActions(q);
    return fail(404, ErrorCodes.notFound, `the fake does not serve ${method} ${p}`);
  };

  const ok = (json: unknown) => ({ status: 200, json });

  /** `GET /v1/corporate-actions`: the backing broker's announced splits and cash dividends, one page. */
  const corporateActions = async (q: URLSearchParams) => {
    const symbols = (q.get('symbols') ?? '')
      .split(',')
      .filter((s) => s !== '')
      .map(fromAlpacaSymbol);
    const from = q.get('start') ?? '';
    const to = q.get('end') ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) {
      fail(422, ErrorCodes.badRequest, 'start and end must be dates YYYY-MM-DD');
    }
    const actions = (await broker.getCorporateActions?.({ symbols, from, to })) ?? [];
    return ok(corporateActionsJson(actions));
  };

  const bars = async (q: URLSearchParams) => {
    const symbols = (q.get('symbols') ?? '').split(',').filter((s) => s !== '');
    if (symbols.length === 0) fail(422, ErrorCodes.badRequest, 'symbols is required');
    const timeframe = q.get('timeframe');
    if (timeframe !== '1Day' && timeframe !== '1D')
      fail(422, ErrorCodes.badRequest, `unsupported timeframe ${timeframe}`);
    const adjustment = q.get('adjustment') ?? 'raw';
    if (!['raw', 'split', 'dividend', 'all'].includes(adjustment)) {
      fail(422, ErrorCodes.badRequest, `invalid adjustment ${adjustment}`);
    }
    const feed = q.get('feed') ?? 'iex';
    if (feed !== 'iex' && feed !== 'sip') fail(422, ErrorCodes.badRequest, `invalid feed ${feed}`);
    const limitText = q.get('limit') ?? '1000';
    const pageLimit = Number(limitText);
    if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > 10_000) {
      fail(422, ErrorCodes.badRequest, `invalid limit ${limitText}`);
    }
    const now = Date.parse((await broker.getClock()).timestamp);
    const start = new Date(q.get('start') ?? '2016-01-01');
    const end = new Date(q.get('end') ?? now);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
      fail(422, ErrorCodes.badRequest, 'invalid start or end');
    }
    if (feed === 'sip' && end.getTime() > now - (options.sipDelayMinutes ?? 15) * 60_000) {
      fail(403, ErrorCodes.forbidden, 'subscription does not permit querying recent SIP data');
    }
    const page = await barsPage(marketData, {
      symbols,
      start,
      end,
      limit: pageLimit,
      pageToken: q.get('page_token') ?? undefined,
    });
    return page ? ok(page) : fail(422, ErrorCodes.badRequest, 'invalid page_token');
  };

  const authorized = (req: IncomingMessage): boolean => {
    const key = req.headers['apca-api-key-id'];
    const secret = req.headers['apca-api-secret-key'];
    if (typeof key !== 'string' || typeof secret !== 'string' || key === '' || secret === '') return false;
    return (
      (options.keyId === undefined || key === options.keyId) &&
      (options.secret === undefined || secret === options.secret)
    );
  };

  const takeFault = (method: string, path: string): FakeFault | undefined => {
    const i = faults.findIndex(
      ({ fault }) => (fault.method ?? method).toUpperCase() === method && path.startsWith(fault.path ?? ''),
    );
    if (i < 0) return undefined;
    const entry = faults[i]!;
    if (--entry.left <= 0) faults.splice(i, 1);
    return entry.fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      requests.push({ method, url: url.pathname + url.search, status });
      const text = json === undefined ? '' : JSON.stringify(json);
      res.writeHead(status, {
        ...rateHeaders(),
        'X-Request-ID': randomUUID(),
        ...(text !== '' && { 'Content-Type': 'application/json; charset=utf-8' }),
        ...headers,
      });
      res.end(text);
    };
    const fault = takeFault(method, url.pathname);
    if (fault?.status === 'drop') {
      requests.push({ method, url: url.pathname + url.search, status: 0 });
      req.socket.destroy();
      return;
    }
    if (fault?.status === 429) {
      const reset = Math.ceil(Date.now() / 1000) + (fault.resetInSeconds ?? 60);
      return send(
        429,
        { code: ErrorCodes.rateLimited, message: 'rate limit exceeded' },
        {
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': String(reset),
          ...(fault.retryAfterSeconds !== undefined && { 'Retry-After': String(fault.retryAfterSeconds) }),
        },
      );
    }
    if (fault) return send(fault.status, { code: ErrorCodes.internal, message: 'internal server error' });
    if (limit !== undefined && Date.now() - windowStart < 60_000 && used >= limit) {
      return send(
        429,
        { code: ErrorCodes.rateLimited, message: 'rate limit exceeded' },
        { 'X-RateLimit-Remaining': '0' },
      );
    }
    if (!authorized(req))
      return send(401, { code: ErrorCodes.unauthorized, message: 'request is not authorized' });
    let body: unknown;
    if (chunks.length > 0) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, { code: ErrorCodes.badRequest, message: 'request body is not JSON' });
      }
    }
    try {
      const { status, json } = await route(method, url, body);
      send(status, json);
    } catch (e) {
      if (e instanceof HttpError) return send(e.status, e.body, e.headers);
      if (e instanceof RateLimitedError) {
        const after: Record<string, string> =
          e.retryAfterMs === null ? {} : { 'Retry-After': String(Math.ceil(e.retryAfterMs / 1000)) };
        return send(429, { code: ErrorCodes.rateLimited, message: 'rate limit exceeded' }, after);
      }
      if (isEnsembleError(e) && e.name === ErrorNames.BrokerUnavailable) {
        return send(503, { code: ErrorCodes.internal, message: 'service unavailable' });
      }
      send(500, { code: ErrorCodes.internal, message: e instanceof Error ? e.message : String(e) });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const fetchApi: typeof fetch = (input, init) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(target.replace(ALPACA_HOSTS, url), init);
  };
  return {
    url,
    port,
    fetchApi,
    requests,
    inject(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
};
