import type { BarSeries, MarketData } from '@ensemble/core';
import { ConfigInvalidError, ErrorNames, MarketDataInvalidError, MissingDataError } from '@ensemble/core';
import { createBundledMarketData } from '@ensemble/market-data';
import { afterEach, describe, expect, it } from 'vitest';
import { AlpacaMarketData } from './market-data.ts';
import { createAlpacaSdk } from './sdk.ts';
import { type Fixture, KEY_ID, SECRET, SESSION, startFixture } from './testing/fixture.ts';

const SYMBOLS = ['SPY', 'QQQ', 'TLT', 'GLD', 'BRK/B'];
const FROM = '2025-01-02';

/** The bundled bars with `edit` applied to one symbol's series. */
const edited = (symbol: string, edit: (s: BarSeries) => BarSeries): MarketData => {
  const bundled = createBundledMarketData();
  return {
    async loadBars(q) {
      const out = await bundled.loadBars(q);
      const s = out.get(symbol);
      if (s) out.set(symbol, edit(s));
      return out;
    },
  };
};

const bundledWindow = async (to: string) =>
  createBundledMarketData().loadBars({ symbols: SYMBOLS, from: FROM, to });

describe('AlpacaMarketData through the SDK against the fake server', () => {
  let f: Fixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('fetches many symbols in one paginated request (adjustment=all) and matches the bundled bars', async () => {
    // Arrange
    f = await startFixture();
    const data = new AlpacaMarketData({
      stocks: sdkFor(f).stocks,
      calendar: f.alpaca.broker,
      pageLimit: 300,
    });
    // Act
    const checked = await data.loadBarsChecked({ symbols: [...SYMBOLS, 'UNKNOWN'], from: FROM, to: SESSION });
    // Assert
    const expected = await bundledWindow(SESSION);
    expect(checked.problems.size).toBe(0);
    expect([...checked.bars.keys()].sort()).toEqual([...SYMBOLS].sort());
    // Closes as bundled; highs and lows too, but for close-only files (BRK/B) the fake serves the close.
    const closes = (b?: { symbol: string; dates: readonly string[]; closes: Float64Array }) =>
      b && { symbol: b.symbol, dates: b.dates, closes: b.closes };
    for (const s of SYMBOLS) expect(closes(checked.bars.get(s))).toEqual(closes(expected.get(s)));
    expect(checked.bars.get('SPY')?.highs).toEqual(expected.get('SPY')?.highs);
    const total = SYMBOLS.reduce((n, s) => n + expected.get(s)!.dates.length, 0);
    expect(checked.pages).toBe(Math.ceil(total / 300));
    const bars = f.fake.requests.filter((r) => r.url.startsWith('/v2/stocks/bars'));
    expect(bars).toHaveLength(checked.pages);
    expect(bars[0]!.url).toContain('adjustment=all');
    expect(bars[0]!.url).toContain('feed=iex');
    expect(bars[0]!.url).toContain('symbols=SPY%2CQQQ%2CTLT%2CGLD%2CBRK.B%2CUNKNOWN');
    expect(bars.slice(1).every((r) => r.url.includes('page_token='))).toBe(true);
  });

  it('without `to`, ends on the previous session by the broker clock', async () => {
    f = await startFixture();
    const checked = await f.alpaca.marketData.loadBarsChecked({ symbols: ['SPY'], from: FROM });
    expect(checked.lastSession).toBe('2025-11-25');
    expect(checked.bars.get('SPY')!.dates.at(-1)).toBe('2025-11-25');
  });

  it('blocks a stale symbol (last bar before the expected session) with a MissingData error naming it', async () => {
    // Arrange: TLT's feed stopped two sessions early
    f = await startFixture({
      marketData: edited('TLT', (s) => ({
        ...s,
        dates: s.dates.slice(0, -2),
        closes: s.closes.slice(0, -2),
      })),
    });
    // Act
    const checked = await f.alpaca.marketData.loadBarsChecked({ symbols: SYMBOLS, from: FROM, to: SESSION });
    const bars = await f.alpaca.marketData.loadBars({ symbols: SYMBOLS, from: FROM, to: SESSION });
    // Assert
    const problem = checked.problems.get('TLT');
    expect(problem).toBeInstanceOf(MissingDataError);
    expect(problem).toMatchObject({ name: ErrorNames.MissingData, symbol: 'TLT' });
    expect(problem!.message).toContain('stale');
    expect(bars.has('TLT')).toBe(false);
    expect(bars.has('SPY')).toBe(true);
  });

  it('blocks a symbol with a gap inside the window', async () => {
    f = await startFixture({
      marketData: edited('GLD', (s) => {
        const i = s.dates.indexOf('2025-06-02');
        return { ...s, dates: s.dates.filter((_, k) => k !== i), closes: s.closes.filter((_, k) => k !== i) };
      }),
    });
    const checked = await f.alpaca.marketData.loadBarsChecked({ symbols: SYMBOLS, from: FROM, to: SESSION });
    const problem = checked.problems.get('GLD');
    expect(problem).toBeInstanceOf(MarketDataInvalidError);
    expect(problem).toMatchObject({ symbol: 'GLD' });
    expect(problem!.message).toContain('2025-06-02');
    expect(checked.bars.has('GLD')).toBe(false);
  });

  it('blocks a symbol with a non-positive price', async () => {
    f = await startFixture({
      marketData: edited('QQQ', (s) => {
        const closes = s.closes.slice();
        closes[closes.length - 10] = 0;
        return { ...s, closes };
      }),
    });
    const checked = await f.alpaca.marketData.loadBarsChecked({ symbols: SYMBOLS, from: FROM, to: SESSION });
    expect(checked.problems.get('QQQ')).toMatchObject({ name: ErrorNames.MarketDataInvalid, symbol: 'QQQ' });
    expect(checked.problems.get('QQQ')!.message).toContain('not a positive price');
  });

  it('on sip, clamps the end to now − 15 min (the fake refuses recent SIP data, as Alpaca does)', async () => {
    // Arrange
    f = await startFixture({ feed: 'sip' });
    const unclamped = new AlpacaMarketData({
      stocks: sdkFor(f).stocks,
      calendar: f.alpaca.broker,
      feed: 'sip',
      sipDelayMinutes: 0,
    });
    // Act
    const bars = await f.alpaca.marketData.loadBars({ symbols: ['SPY'], from: FROM, to: SESSION });
    const refused = unclamped.loadBars({ symbols: ['SPY'], from: FROM, to: SESSION });
    // Assert
    expect(bars.get('SPY')!.dates.at(-1)).toBe(SESSION);
    await expect(refused).rejects.toBeInstanceOf(ConfigInvalidError);
    await expect(refused).rejects.toThrow(/SIP/);
  });

  it('surfaces a 429 on a bars page as RateLimited', async () => {
    f = await startFixture();
    f.fake.inject({ status: 429, path: '/v2/stocks/bars', retryAfterSeconds: 3 });
    await expect(
      f.alpaca.marketData.loadBars({ symbols: ['SPY'], from: FROM, to: SESSION }),
    ).rejects.toMatchObject({
      name: ErrorNames.RateLimited,
      retryAfterMs: 3000,
    });
  });
});

/** A second SDK on the same fake, for adapters built by hand. */
const sdkFor = (f: Fixture) =>
  createAlpacaSdk({
    keyId: KEY_ID,
    secret: SECRET,
    fetchApi: f.fake.fetchApi,
    retry: false,
    rateLimit: false,
  });
