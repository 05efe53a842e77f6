/**
 * `@ensemble/market-data`: daily bars from CSV files, and the bars bundled with the package.
 */

export type { BarSeries, MarketData } from '@ensemble/core';
export type { BarsManifest, ManifestEntry } from './bundled.ts';
export { bundledDataDir, createBundledMarketData, MANIFEST_FILE, readBundledManifest } from './bundled.ts';
export { CSV_HEADER, isIsoDate, type OhlcvColumns, parseBarsCsv } from './csv.ts';
export { MarketDataInvalidError } from './errors.ts';
export { CsvMarketData, fileStemToSymbol, type OhlcvSeries, symbolToFileStem } from './loader.ts';
export { withSplits } from './splits.ts';
