/**
 * Simulated splits on real bars. The bundled closes are adjusted (a real split is invisible in them), so to
 * simulate a split of a held symbol the bars are shown as a provider shows them: as of a day on or after the
 * split's ex-date, the whole series is divided by the split's ratio (`adjustment=all`, back-adjusted: the
 * indicators see no jump); as of an earlier day, unchanged. The simulated broker fills and marks at the same
 * view (`closePricesFrom(withSplits(...))`), so the ex-date's price is the split-adjusted one.
 */
import { type BarSeries, type MarketData, type Split, splitRatio } from '@ensemble/core';

/** `marketData` with `splits` simulated (see the module comment). */
export const withSplits = (marketData: MarketData, splits: readonly Split[]): MarketData => ({
  async loadBars(query) {
    const bars = await marketData.loadBars(query);
    const out = new Map<string, BarSeries>();
    for (const [symbol, series] of bars) {
      const due = splits.filter(
        (s) => s.symbol === symbol && (query.to === undefined || s.exDate <= query.to),
      );
      if (due.length === 0) {
        out.set(symbol, series);
        continue;
      }
      const ratio = due.reduce((r, s) => r * splitRatio(s).toNumber(), 1);
      out.set(symbol, { ...series, closes: series.closes.map((c) => c / ratio) });
    }
    return out;
  },
});
