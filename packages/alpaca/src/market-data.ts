/**
 * `AlpacaMarketData`: the MarketData port on Alpaca's historical bars (`GET /v2/stocks/bars`), through the
 * official SDK. All symbols go in one request, followed through `next_page_token` (pages of up to 10,000
 * bars); prices are adjusted for splits and dividends (`adjustment=all`). The session calendar and "now"
 * come from the broker's calendar and clock, so the bars are checked against the same sessions the broker
 * trades (`validate.ts`).
 */
import type { BarSeries, Broker, EnsembleError, MarketData } from '@ensemble/core';
import { MarketDataInvalidError } from '@ensemble/core';
import { type CallContext, toBrokerError } from './errors.ts';
import { fromAlpacaSymbol, toAlpacaSymbol, WireBarsPage } from './parse.ts';
import type { AlpacaSdk } from './sdk.ts';
import { nyDate, nyEndOfDay, nyMidnight } from './time.ts';
import { type DailyBar, validateDailyBars } from './validate.ts';

/** Alpaca's data feeds we support: IEX (free) or SIP (all exchanges; the free plan refuses its last 15 min). */
export type AlpacaFeed = 'iex' | 'sip';

/** Options of {@link AlpacaMarketData}. */
export interface AlpacaMarketDataOptions {
  /** The market-data API (from `createAlpacaSdk`). */
  readonly stocks: AlpacaSdk['stocks'];
  /** Clock and session calendar (the AlpacaBroker). */
  readonly calendar: Pick<Broker, 'getClock' | 'getCalendar'>;
  /** @default 'iex' */
  readonly feed?: AlpacaFeed;
  /** First day requested when a query has no `from` ("all history"). @default '2016-01-01' */
  readonly historyStart?: string;
  /** Bars per page (Alpaca allows 1 to 10,000). @default 10000 */
  readonly pageLimit?: number;
  /** On `sip`, the end of a request is clamped to now minus this. @default 15 */
  readonly sipDelayMinutes?: number;
}

/** What {@link AlpacaMarketData.loadBarsChecked} returns. */
export interface CheckedBars {
  /** Valid series, by symbol. */
  readonly bars: Map<string, BarSeries>;
  /** Why each refused symbol was refused (stale, gap, bad price). Unknown symbols are in neither map. */
  readonly problems: Map<string, EnsembleError>;
  /** The session every series ends on. */
  readonly lastSession: string;
  /** HTTP requests made for bars (pages). */
  readonly pages: number;
}

const MAX_PAGES = 10_000;

export class AlpacaMarketData implements MarketData {
  readonly feed: AlpacaFeed;
  readonly #o: AlpacaMarketDataOptions;

  constructor(options: AlpacaMarketDataOptions) {
    this.#o = options;
    this.feed = options.feed ?? 'iex';
  }

  /**
   * The port: valid series only. A symbol that fails validation is absent, like an unknown one, so the
   * strategies that use it are BLOCKED and the others run; {@link loadBarsChecked} says why.
   */
  async loadBars(query: {
    symbols: readonly string[];
    to?: string;
    from?: string;
  }): Promise<Map<string, BarSeries>> {
    return (await this.loadBarsChecked(query)).bars;
  }

  /**
   * Bars of every symbol from `from` (default: `historyStart`) to `to`, validated. The last bar must be the
   * last session on or before `to`; without `to`, the previous session (the last one before today in New
   * York, by the broker's clock) — never today's unfinished bar.
   */
  async loadBarsChecked(query: {
    symbols: readonly string[];
    to?: string;
    from?: string;
  }): Promise<CheckedBars> {
    const symbols = [...new Set(query.symbols)];
    const clock = await this.#o.calendar.getClock();
    const now = Date.parse(clock.timestamp);
    if (!Number.isFinite(now))
      throw new MarketDataInvalidError(`broker clock: bad timestamp ${clock.timestamp}`);
    const today = nyDate(now);
    const from = query.from ?? this.#o.historyStart ?? '2016-01-01';
    const to = query.to ?? today;
    const sessions = (await this.#o.calendar.getCalendar({ from, to })).map((d) => d.date);
    const eligible = query.to === undefined ? sessions.filter((d) => d < today) : sessions;
    const lastSession = eligible[eligible.length - 1];
    if (lastSession === undefined)
      throw new MarketDataInvalidError(`no trading session between ${from} and ${to}`);
    if (symbols.length === 0) return { bars: new Map(), problems: new Map(), lastSession, pages: 0 };

    let end = nyEndOfDay(lastSession).getTime();
    if (this.feed === 'sip') end = Math.min(end, now - (this.#o.sipDelayMinutes ?? 15) * 60_000);
    const { bySymbol, pages } = await this.fetchAll(symbols, nyMidnight(from), new Date(end));

    const bars = new Map<string, BarSeries>();
    const problems = new Map<string, EnsembleError>();
    for (const symbol of symbols) {
      const raw = bySymbol.get(symbol);
      if (!raw) continue;
      const result = validateDailyBars(symbol, raw, sessions, lastSession);
      if ('closes' in result) bars.set(symbol, result);
      else problems.set(symbol, result);
    }
    return { bars, problems, lastSession, pages };
  }

  /** Every page of one multi-symbol request. */
  private async fetchAll(
    symbols: readonly string[],
    start: Date,
    end: Date,
  ): Promise<{ bySymbol: Map<string, DailyBar[]>; pages: number }> {
    const bySymbol = new Map<string, DailyBar[]>();
    const seen = new Set<string>();
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const ctx: CallContext = { operation: `bars page ${pages + 1}` };
      let body: unknown;
      try {
        const response = await this.#o.stocks.stockBarsRaw({
          symbols: symbols.map(toAlpacaSymbol).join(','),
          timeframe: '1Day',
          start,
          end,
          limit: this.#o.pageLimit ?? 10_000,
          adjustment: 'all',
          feed: this.feed,
          sort: 'asc',
          ...(pageToken !== undefined && { pageToken }),
        });
        body = await response.raw.json();
      } catch (e) {
        throw toBrokerError(e, ctx);
      }
      pages++;
      const page = WireBarsPage.safeParse(body);
      if (!page.success) throw toBrokerError(new Error(`unexpected bars page: ${page.error.message}`), ctx);
      for (const [alpacaSymbol, list] of Object.entries(page.data.bars ?? {})) {
        const symbol = fromAlpacaSymbol(alpacaSymbol);
        let acc = bySymbol.get(symbol);
        if (!acc) bySymbol.set(symbol, (acc = []));
        for (const b of list ?? []) {
          const t = Date.parse(b.t);
          if (!Number.isFinite(t)) {
            throw new MarketDataInvalidError(
              `${symbol}: bar time ${JSON.stringify(b.t)} is not a timestamp`,
              symbol,
            );
          }
          acc.push({ date: nyDate(t), close: b.c, open: b.o, high: b.h, low: b.l });
        }
      }
      pageToken = page.data.next_page_token || undefined;
      if (pageToken !== undefined) {
        if (seen.has(pageToken) || pages >= MAX_PAGES) {
          throw toBrokerError(new Error(`bars pagination does not progress (token ${pageToken})`), ctx);
        }
        seen.add(pageToken);
      }
    } while (pageToken !== undefined);
    return { bySymbol, pages };
  }
}
