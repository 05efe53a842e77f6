/** Public surface of the broker port (re-exported by the core package's index). */
export {
  BrokerUnavailableError,
  DuplicateClientOrderIdError,
  InsufficientBuyingPowerError,
  MarketClosedError,
  OrderRejectedError,
  RateLimitedError,
  SymbolBusyError,
} from './errors.ts';
export * from './port.ts';
