/** The one error of `ensemble cloud`: what went wrong with the deployed machine, printed as is (exit 1). */
export class CloudError extends Error {
  override readonly name = 'CloudError';
}
