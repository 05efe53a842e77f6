/**
 * The Alpaca key pair, one value per stage (`npx sst secret set AlpacaKeyId … --stage prod`). Only the
 * functions whose step uses the broker or the market data receive it (manifest.ts `ports` → `secrets`,
 * delivered by policies.ts `secretEnvironment`).
 */
import type { SecretName } from './manifest.ts';

export const alpacaKeyId = new sst.Secret('AlpacaKeyId');
export const alpacaSecretKey = new sst.Secret('AlpacaSecretKey');

/** Secret values by manifest name. */
export const secretValues: Record<SecretName, $util.Output<string>> = {
  AlpacaKeyId: alpacaKeyId.value,
  AlpacaSecretKey: alpacaSecretKey.value,
};
