/** The one error of the Lambda wiring; names and traits are in core's {@link ErrorCatalog}. */
import { EnsembleError, ErrorNames, withIssues } from '@ensemble/core';

/** The Lambda environment is missing or has an invalid variable (raised at cold start). */
export class EnvInvalidError extends EnsembleError {
  override readonly name = ErrorNames.EnvInvalid;
  constructor(readonly issues: readonly string[]) {
    super(withIssues('invalid environment:', issues));
  }
}
