/** This package raises only core's {@link MarketDataInvalidError}; re-exported for convenience. */
export { MarketDataInvalidError } from '@ensemble/core';
