/**
 * The Alpaca key pair, one value per stage (`npx sst secret set AlpacaKeyId … --stage prod`). Only the
 * functions whose manifest entry lists a secret receive it (see policies.ts `secretEnvironment`).
 */
import type { SecretName } from './manifest.ts';

export const alpacaKeyId = new sst.Secret('AlpacaKeyId');
export const alpacaSecretKey = new sst.Secret('AlpacaSecretKey');

/** Secret values by manifest name. */
export const secretValues: Record<SecretName, $util.Output<string>> = {
  AlpacaKeyId: alpacaKeyId.value,
  AlpacaSecretKey: alpacaSecretKey.value,
};
