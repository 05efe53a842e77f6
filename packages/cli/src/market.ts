/** Market data for CLI commands: the bundled bars, or a directory given with --data. */
import { resolve } from 'node:path';
import { type MarketData, PriceHistory } from '@ensemble/core';
import { CsvMarketData, createBundledMarketData } from '@ensemble/market-data';

export function marketDataFor(dataDir: string | undefined, cwd: string): MarketData {
  return dataDir ? new CsvMarketData(resolve(cwd, dataDir)) : createBundledMarketData();
}

/** One price snapshot holding every symbol asked for that the data has (absent symbols fail at evaluation). */
export async function loadHistory(data: MarketData, symbols: Iterable<string>): Promise<PriceHistory> {
  const bars = await data.loadBars({ symbols: [...new Set(symbols)] });
  return PriceHistory.fromSeries(bars.values());
}
