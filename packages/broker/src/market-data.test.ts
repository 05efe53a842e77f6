/**
 * The core NYSE calendar and the fill prices against the bundled market data (real sessions 2018-01-02 to
 * 2025-12-01): every bar date is a session, every session has a SPY bar, and the sim fills at real closes.
 */
import { isTradingDay, sessionsBetween } from '@ensemble/core';
import { createBundledMarketData, readBundledManifest } from '@ensemble/market-data';
import { describe, expect, it } from 'vitest';
import { createMemorySimBrokerStore } from './memory-store.ts';
import { closePricesFrom } from './prices.ts';
import { createSimBroker } from './sim-broker.ts';
import { order } from './testing/index.ts';

describe('NYSE calendar vs the bundled bars', () => {
  it('has a session on every SPY bar date and a SPY bar on every session', async () => {
    // Arrange
    const spy = (await createBundledMarketData().loadBars({ symbols: ['SPY'] })).get('SPY');
    // Act
    const sessions = sessionsBetween('2018-01-02', '2025-12-01').map((d) => d.date);
    // Assert
    expect(spy?.dates).toEqual(sessions);
  });

  it('has every first and last date of every bundled symbol on a session', async () => {
    const manifest = await readBundledManifest();
    const entries = Object.entries(manifest.symbols);
    expect(entries.length).toBeGreaterThan(280);
    const off = entries.filter(([, e]) => !isTradingDay(e.first) || !isTradingDay(e.last));
    expect(off).toEqual([]);
  });

  it('has only session dates in a sample of other symbols', async () => {
    const bars = await createBundledMarketData().loadBars({ symbols: ['TLT', 'UNH', 'PCH', 'TQQQ'] });
    expect(bars.size).toBe(4);
    for (const series of bars.values()) expect(series.dates.filter((d) => !isTradingDay(d))).toEqual([]);
  });
});

describe('closePricesFrom', () => {
  it('gives the close of the as-of session, or the last one before it', async () => {
    const prices = closePricesFrom(createBundledMarketData());
    const bars = (await createBundledMarketData().loadBars({ symbols: ['SPY'], to: '2025-06-02' })).get(
      'SPY',
    );
    const close = bars?.closes[bars.closes.length - 1];
    expect(await prices.lastClose('SPY', '2025-06-02')).toEqual({ date: '2025-06-02', price: String(close) });
    expect((await prices.lastClose('SPY', '2025-06-01'))?.date).toBe('2025-05-30');
    expect(await prices.lastClose('NOPE', '2025-06-02')).toBeNull();
    expect(await prices.lastClose('SPY', '2017-12-29')).toBeNull();
  });

  it('lets the sim broker fill at the real close, and refuses a symbol whose data ended', async () => {
    // Arrange: PCH's bundled bars end on 2025-04-04.
    const prices = closePricesFrom(createBundledMarketData());
    const broker = createSimBroker({
      store: createMemorySimBrokerStore(),
      prices,
      clock: () => new Date('2025-06-02T19:45:00Z'),
    });
    const expected = await prices.lastClose('SPY', '2025-06-02');
    // Act
    const filled = await broker.submitOrder(order('a', 'SPY', 'buy', { notional: '1000' }));
    // Assert
    expect(filled.status).toBe('filled');
    expect(filled.filledAvgPrice).toBe(String(Math.round(Number(expected?.price) * 100) / 100));
    await expect(broker.submitOrder(order('b', 'PCH', 'buy', { qty: '1' }))).rejects.toThrow(/not tradable/);
    expect(await broker.getAssets(['PCH', 'SPY'])).toEqual(
      new Map([
        ['PCH', { tradable: false, fractionable: true }],
        ['SPY', { tradable: true, fractionable: true }],
      ]),
    );
  });
});
