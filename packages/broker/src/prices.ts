/**
 * Where the simulated broker gets its fill prices: the close of the as-of session. `closePricesFrom`
 * adapts the core `MarketData` port; `staticPrices` is a settable board for tests.
 */

import type { MarketData } from '@ensemble/core';
import { D, str } from '@ensemble/core';

/** A close: the session it belongs to and the price (decimal string, > 0). */
export interface PricePoint {
  readonly date: string;
  readonly price: string;
}

/** Port: the latest close of a symbol on or before a date. */
export interface FillPriceSource {
  /**
   * The latest close of `symbol` with a session date ≤ `onOrBefore`, or null when the source knows no such
   * bar (unknown symbol, or no history yet). The broker fills only when `date` equals the order's session.
   */
  lastClose(symbol: string, onOrBefore: string): Promise<PricePoint | null>;
}

/** Options of {@link closePricesFrom}. */
export interface ClosePricesOptions {
  /**
   * The source's bars never change while it is read (a backtest's bars, loaded once): each symbol's close
   * on or before a date is read once, and kept until another date is asked. Not for a source whose last bar
   * moves during a session (live intraday bars). @default false
   */
  readonly fixedBars?: boolean;
}

/** Closes from a `MarketData` (e.g. the bundled CSV bars): the last bar with date ≤ the asked date. */
export const closePricesFrom = (
  marketData: MarketData,
  options: ClosePricesOptions = {},
): FillPriceSource => {
  const read = async (symbol: string, onOrBefore: string): Promise<PricePoint | null> => {
    const bars = (await marketData.loadBars({ symbols: [symbol], to: onOrBefore })).get(symbol);
    if (!bars || bars.dates.length === 0) return null;
    const i = bars.dates.length - 1;
    const close = bars.closes[i];
    const date = bars.dates[i];
    if (close === undefined || date === undefined || !(close > 0)) return null;
    // Closes are stored as doubles of at most 7 significant digits; the shortest round-trip text is exact.
    return { date, price: str(new D(String(close))) };
  };
  if (options.fixedBars !== true) return { lastClose: read };
  let kept: { date: string; closes: Map<string, PricePoint | null> } = { date: '', closes: new Map() };
  return {
    async lastClose(symbol, onOrBefore) {
      if (kept.date !== onOrBefore) kept = { date: onOrBefore, closes: new Map() };
      const { closes } = kept;
      if (closes.has(symbol)) return closes.get(symbol)!;
      const close = await read(symbol, onOrBefore);
      closes.set(symbol, close);
      return close;
    },
  };
};

/** A price board for tests: each listed symbol has one price on every date; settable at any time. */
export interface StaticPrices extends FillPriceSource {
  /** Sets (or with null removes) the price of a symbol. */
  set(symbol: string, price: string | null): void;
}

/** A {@link StaticPrices} board starting with `prices` (symbol → decimal string). */
export const staticPrices = (prices: Readonly<Record<string, string>> = {}): StaticPrices => {
  const board = new Map(Object.entries(prices));
  return {
    set(symbol, price) {
      if (price === null) board.delete(symbol);
      else board.set(symbol, price);
    },
    async lastClose(symbol, onOrBefore) {
      const price = board.get(symbol);
      return price === undefined ? null : { date: onOrBefore, price };
    },
  };
};
