/** This package raises only core's {@link ConfigInvalidError}; re-exported for convenience. */
export { ConfigInvalidError } from '@ensemble/core';
