/**
 * The fake's `GET /v2/stocks/bars`: daily bars of many symbols from a MarketData, sorted by symbol then
 * time, cut into pages of `limit` bars with an opaque `next_page_token`, as Alpaca does. High and low are
 * the series' own when it has them (else the close); open equals the close and volume is 0.
 */
import type { MarketData } from '@ensemble/core';
import { fromAlpacaSymbol } from '../parse.ts';
import { nyDate, nyMidnight } from '../time.ts';

/** A parsed bars request. */
export interface BarsQuery {
  /** Alpaca symbols, as asked. */
  readonly symbols: readonly string[];
  readonly start: Date;
  readonly end: Date;
  readonly limit: number;
  readonly pageToken: string | undefined;
}

interface Cursor {
  /** Index into the sorted symbols, and of the next bar of that symbol. */
  readonly s: number;
  readonly b: number;
}

const encode = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

const decode = (token: string): Cursor | null => {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    return Number.isInteger(c.s) && Number.isInteger(c.b) ? (c as Cursor) : null;
  } catch {
    return null;
  }
};

/** Alpaca's bar timestamp: RFC 3339 without milliseconds. */
const stamp = (date: string): string => nyMidnight(date).toISOString().replace('.000Z', 'Z');

/** One page of bars, or `null` when the page token is not one of ours. */
export const barsPage = async (
  data: MarketData,
  q: BarsQuery,
): Promise<{ bars: Record<string, unknown[]>; next_page_token: string | null; currency: string } | null> => {
  const cursor = q.pageToken === undefined ? { s: 0, b: 0 } : decode(q.pageToken);
  if (!cursor) return null;
  const symbols = [...new Set(q.symbols)].sort();
  const loaded = await data.loadBars({
    symbols: symbols.map(fromAlpacaSymbol),
    from: nyDate(q.start),
    to: nyDate(q.end),
  });
  const startMs = q.start.getTime();
  const endMs = q.end.getTime();
  const bars: Record<string, unknown[]> = {};
  let room = q.limit;
  for (let s = cursor.s; s < symbols.length; s++) {
    const series = loaded.get(fromAlpacaSymbol(symbols[s]!));
    if (!series) continue;
    const first = s === cursor.s ? cursor.b : 0;
    for (let b = first; b < series.dates.length; b++) {
      const date = series.dates[b]!;
      const t = nyMidnight(date).getTime();
      if (t < startMs || t > endMs) continue;
      if (room === 0) return { bars, next_page_token: encode({ s, b }), currency: 'USD' };
      const c = series.closes[b]!;
      const h = series.highs?.[b];
      const l = series.lows?.[b];
      (bars[symbols[s]!] ??= []).push({
        t: stamp(date),
        o: c,
        h: h !== undefined && Number.isFinite(h) ? h : c,
        l: l !== undefined && Number.isFinite(l) ? l : c,
        c,
        v: 0,
        n: 0,
        vw: c,
      });
      room--;
    }
  }
  return { bars, next_page_token: null, currency: 'USD' };
};
