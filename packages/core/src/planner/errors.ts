/** Errors of the planner. Terminal: bad input is not cured by a retry. */
import { EnsembleError, ErrorNames } from '../errors.ts';

/** The planner's input is inconsistent (weights not summing to 1, unknown asset, missing pool member...). */
export class PlanInputInvalidError extends EnsembleError {
  override readonly name = ErrorNames.PlanInputInvalid;
  constructor(
    message: string,
    readonly bookId?: string,
    options?: { cause?: unknown },
  ) {
    super(bookId ? `${bookId}: ${message}` : message, options);
  }
}
