/**
 * The Powertools singletons every handler shares (stateless, config-complete: safe at module scope):
 * a JSON Logger whose every line passes through {@link redactLogValue}, and EMF Metrics in the `Ensemble`
 * namespace. Both work offline (they only write to stdout).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { secretValues } from './env.ts';

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Field names whose values are secrets whatever they hold. */
const SECRET_KEY = /^(?:APCA[-_]API[-_].*|.*secret.*|.*password.*|.*token|authorization|keyId|apiKey)$/i;

/** `NAME=value` / `NAME: value` occurrences of credential variables or headers inside text. */
const SECRET_ASSIGNMENT =
  /(APCA[-_]API[-_](?:KEY[-_]ID|SECRET[-_]KEY|OAUTH[-_]TOKEN))(\s*[:=]\s*"?)([^\s",;}&]+)/gi;

/** Builds the replacer: secret field names, credential assignments and known secret values are masked. */
export const createRedactor = (secrets: readonly (string | undefined)[]) => {
  const known = secrets.filter((s): s is string => s !== undefined && s.length >= 4);
  return (key: string, value: unknown): unknown => {
    if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
    if (typeof value !== 'string') return value;
    let out = value;
    for (const s of known) out = out.split(s).join(REDACTED);
    return out.replace(SECRET_ASSIGNMENT, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  };
};

/** The JSON replacer of every log line (secrets read once from the environment at cold start). */
export const redactLogValue = createRedactor(secretValues());

/** The service name on every log line and metric. */
export const SERVICE = 'ensemble';

/** The shared logger: JSON lines, secrets redacted. */
export const logger = new Logger({ serviceName: SERVICE, jsonReplacerFn: redactLogValue });

/** The shared metrics (EMF, namespace `Ensemble`). */
export const metrics = new Metrics({ namespace: 'Ensemble', serviceName: SERVICE });
