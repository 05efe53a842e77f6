/**
 * Credentials never reach a log line. {@link redact} removes known secret values and anything that looks like
 * an Alpaca credential header or variable from text; {@link redactValue} does the same through an object
 * (for structured loggers). The adapters also hide their credentials from `JSON.stringify` and `util.inspect`.
 */

/** What a redacted credential is replaced with. */
export const REDACTED = '[REDACTED]';

/** Header and variable names whose values are always secret, whatever the value. */
const CREDENTIAL_NAMES =
  /(APCA[-_]API[-_](?:KEY[-_]ID|SECRET[-_]KEY|OAUTH[-_]TOKEN)|"?(?:keyId|secret|secretKey)"?)(\s*[:=]\s*"?)([^\s",;}&]+)/gi;

/** Object fields whose values are credentials. */
const SECRET_FIELD = /^(?:APCA[-_]API[-_].*|keyId|secret|secretKey|authorization)$/i;

/**
 * `text` with every occurrence of each secret (values shorter than 4 characters are ignored: too likely to
 * be ordinary text) and every value of an Alpaca credential header or variable replaced by {@link REDACTED}.
 */
export const redact = (text: string, secrets: readonly (string | undefined)[] = []): string => {
  let out = text;
  for (const s of secrets) if (s !== undefined && s.length >= 4) out = out.split(s).join(REDACTED);
  return out.replace(CREDENTIAL_NAMES, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
};

/** A deep copy of `value` with {@link redact} applied to every string (keys included), for structured logs. */
export const redactValue = <T>(value: T, secrets: readonly (string | undefined)[] = []): T => {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Error) return { name: v.name, message: redact(v.message, secrets) };
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [redact(k, secrets), SECRET_FIELD.test(k) ? REDACTED : walk(x)]),
      );
    }
    return v;
  };
  return walk(value) as T;
};
