/**
 * `@ensemble/alpaca`: the Broker and MarketData ports on Alpaca through the official SDK
 * (`@alpacahq/alpaca-trade-api`), their settings and live-trading guard, and credential redaction. The loopback
 * fake Alpaca server is at `@ensemble/alpaca/fake`.
 */
export { AlpacaBroker, type AlpacaMode } from './broker.ts';
export {
  ALPACA_DATA_URL,
  ALPACA_LIVE_URL,
  ALPACA_PAPER_URL,
  type Alpaca,
  AlpacaSettings,
  type AlpacaSettingsInput,
  type AlpacaTransport,
  alpacaFromEnv,
  alpacaSettingsFromEnv,
  checkTradingMode,
  createAlpaca,
  parseAlpacaSettings,
} from './config.ts';
export { type CallContext, toBrokerError } from './errors.ts';
export {
  type AlpacaFeed,
  AlpacaMarketData,
  type AlpacaMarketDataOptions,
  type CheckedBars,
} from './market-data.ts';
export { fromAlpacaSymbol, normalizeStatus, toAlpacaSymbol } from './parse.ts';
export { REDACTED, redact, redactValue } from './redact.ts';
export { type AlpacaSdk, type AlpacaSdkOptions, createAlpacaSdk } from './sdk.ts';
export { type DailyBar, validateDailyBars } from './validate.ts';
