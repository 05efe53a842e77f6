import { EnsembleError, ErrorNames } from '@ensemble/core';

/** The one error of `ensemble cloud`: what went wrong with the deployed machine, printed as is (exit 1). */
export class CloudError extends EnsembleError {
  override readonly name = ErrorNames.Cloud;
}
