import { causeMessage } from '@ensemble/app';
import { describe, expect, it } from 'vitest';
import { readEnv, requireAlpacaKeys } from './env.ts';
import { createRedactor, REDACTED } from './powertools.ts';

describe('causeMessage', () => {
  it('reads Lambda JSON causes and plain ones', () => {
    expect(causeMessage('{"errorMessage":"x","errorType":"E"}')).toBe('x');
    expect(causeMessage('plain text')).toBe('plain text');
    expect(causeMessage('{"other":1}')).toBe('{"other":1}');
    expect(causeMessage(undefined)).toBe('');
  });
});

describe('log redaction', () => {
  const redact = createRedactor(['PKSECRETKEYID']);
  const line = (o: unknown) => JSON.stringify(o, redact);
  it('masks secret field names, credential assignments and known secret values', () => {
    expect(line({ APCA_API_SECRET_KEY: 'abc', apiKey: 'k', nested: { clientSecret: 'z', ok: 'fine' } })).toBe(
      JSON.stringify({
        APCA_API_SECRET_KEY: REDACTED,
        apiKey: REDACTED,
        nested: { clientSecret: REDACTED, ok: 'fine' },
      }),
    );
    expect(line({ m: 'header APCA-API-KEY-ID: PKX123 and the id PKSECRETKEYID' })).toBe(
      JSON.stringify({ m: `header APCA-API-KEY-ID: ${REDACTED} and the id ${REDACTED}` }),
    );
    expect(line({ n: 3, b: true, runId: '2025-12-01.local' })).toBe(
      '{"n":3,"b":true,"runId":"2025-12-01.local"}',
    );
  });
});

describe('readEnv', () => {
  const base = {
    ENSEMBLE_TABLE: 't',
    ENSEMBLE_BUCKET: 'b',
    ENSEMBLE_STAGE: 'dev',
    ENSEMBLE_BROKER: 'sim',
    ENSEMBLE_CONFIG: '/var/task/strategies/ensemble.config.yaml',
  };
  it('parses a complete environment, paper by default', () => {
    expect(readEnv(base)).toMatchObject({ ENSEMBLE_BROKER: 'sim', ENSEMBLE_TRADING_MODE: 'paper' });
  });
  it('lists every problem and never echoes a secret', () => {
    const secret = 'SECRETVALUE123';
    let message = '';
    try {
      readEnv({ ...base, ENSEMBLE_TABLE: '', ENSEMBLE_BROKER: 'alpaca', APCA_API_SECRET_KEY: secret });
    } catch (e) {
      expect((e as Error).name).toBe('EnvInvalidError');
      message = (e as Error).message;
    }
    expect(message).toMatch(/ENSEMBLE_TABLE/);
    expect(message).not.toContain(secret);
    // The keys are checked when the Alpaca broker is first used (env-runtime.test.ts), not at cold start.
    const alpaca = readEnv({ ...base, ENSEMBLE_BROKER: 'alpaca', APCA_API_SECRET_KEY: secret });
    expect(() => requireAlpacaKeys(alpaca)).toThrow(/APCA_API_KEY_ID and APCA_API_SECRET_KEY are required/);
  });
});
